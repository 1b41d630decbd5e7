/** Downloads an export route with the bearer token (a plain link could not send the header). */
export async function downloadExport(path: string, params: Record<string, string | undefined>, token: string): Promise<string> {
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])));
  const response = await fetch(`${path}?${query.toString()}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) {
    let message = `Export impossible (erreur ${response.status}).`;
    try {
      const body = (await response.json()) as { message?: string };
      if (body.message) message = body.message;
    } catch {
      // not JSON
    }
    throw Object.assign(new Error(message), { status: response.status });
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? path.split('/').pop() ?? 'export';
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return fileName;
}
