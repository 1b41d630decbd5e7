import { REGIONS, departementsOf } from '../territory';

/**
 * The `<option>`s of every région, by name (the select adds its own empty choice if it has one);
 * with `only`, of those régions alone (a network's).
 */
export function RegionOptions({ only }: { only?: readonly string[] | null }) {
  return (
    <>
      {REGIONS.filter((r) => !only || only.includes(r.code)).map((r) => (
        <option key={r.code} value={r.code}>
          {r.name}
        </option>
      ))}
    </>
  );
}

/** The `<option>`s of the départements of one région, "Nom (code)". */
export function DepartementOptions({ region }: { region: string }) {
  return (
    <>
      {departementsOf(region).map((d) => (
        <option key={d.code} value={d.code}>
          {d.name} ({d.code})
        </option>
      ))}
    </>
  );
}
