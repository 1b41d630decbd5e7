/** Paths of the API's own routes; every other address is the web console's. */
const API_PREFIXES = ['/graphql', '/exports/', '/health'];

/** Whether an address (its query string ignored) is one of the API's, which answer in JSON and keep their 404s. */
export const isApiPath = (url: string): boolean => {
  const path = url.split('?')[0];
  return API_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix));
};
