/** A country as a person reads it: a flag, the ISO code as a badge, and its name (Intl.DisplayNames). */

/** Regional indicator symbols: "US" → 🇺🇸. */
export function flag(code: string): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return '';
  return String.fromCodePoint(...[...code.toUpperCase()].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}

let regionNames: Intl.DisplayNames | undefined;
export function countryName(code: string): string {
  try {
    regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
    return regionNames.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** The flag and code are decoration for the eye; the name is what a screen reader says. */
export function Country({ code }: { code: string | null | undefined }) {
  if (!code) return <>Unknown</>;
  return (
    <span class="country">
      <span aria-hidden="true">{flag(code)} <span class="cc">{code.toUpperCase()}</span> </span>{countryName(code)}
    </span>
  );
}
