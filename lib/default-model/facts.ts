// The structured facts behind the default model's SFT data and its evaluation, read from
// countries-list (capitals, continents, languages, currencies) in country-code order.
import { continents, countries, languages } from "countries-list";

export interface CountryFact {
  /** ISO 3166-1 alpha-2 code. */
  code: string;
  country: string;
  capital: string;
  continent: string;
  /** Language names in English. */
  languages: string[];
  /** ISO 4217 code of the first listed currency, or "" when none. */
  currency: string;
}

/** Every country with a capital, sorted by code. */
export function countryFacts(): CountryFact[] {
  const langs = languages as Record<string, { name: string }>;
  const conts = continents as Record<string, string>;
  return Object.entries(countries)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .filter(([, c]) => c.capital.trim() !== "")
    .map(([code, c]) => ({
      code,
      country: c.name,
      capital: c.capital.trim(),
      continent: conts[c.continent] ?? c.continent,
      languages: c.languages.map((l) => langs[l]?.name ?? l),
      currency: c.currency[0] ?? "",
    }));
}
