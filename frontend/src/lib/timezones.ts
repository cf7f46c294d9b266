// The zone list the doctor picks from: canonical IANA names only. Browsers (ICU/CLDR) still list and report some
// backward-compatibility links (Europe/Kiev, Asia/Calcutta, Etc/UTC…); those are mapped to today's names here.

/**
 * Known legacy names (IANA's `backward` file, and the ones browsers report) → the canonical name.
 * Deliberately small and static: the names a browser's list or its own zone may use. Country-specific links
 * that are proper names in their own right (Europe/Bratislava, Europe/Vatican…) are kept as they are.
 */
export const LEGACY_ZONES: Readonly<Record<string, string>> = {
  // UTC under other names
  "Etc/UTC": "UTC", "Etc/UCT": "UTC", "Etc/Universal": "UTC", "Etc/Zulu": "UTC", "Etc/GMT": "UTC", "Etc/GMT+0": "UTC",
  "Etc/GMT-0": "UTC", "Etc/GMT0": "UTC", "Etc/Greenwich": "UTC", UCT: "UTC", Universal: "UTC", Zulu: "UTC", GMT: "UTC",
  "GMT+0": "UTC", "GMT-0": "UTC", GMT0: "UTC", Greenwich: "UTC",
  // Renamed cities (ICU still lists these)
  "Europe/Kiev": "Europe/Kyiv", "Europe/Uzhgorod": "Europe/Kyiv", "Europe/Zaporozhye": "Europe/Kyiv",
  "Asia/Calcutta": "Asia/Kolkata", "Asia/Katmandu": "Asia/Kathmandu", "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh", "Asia/Dacca": "Asia/Dhaka", "Asia/Thimbu": "Asia/Thimphu", "Asia/Macao": "Asia/Macau",
  "Asia/Ulan_Bator": "Asia/Ulaanbaatar", "Asia/Ujung_Pandang": "Asia/Makassar", "Asia/Ashkhabad": "Asia/Ashgabat",
  "Asia/Chongqing": "Asia/Shanghai", "Asia/Chungking": "Asia/Shanghai", "Asia/Harbin": "Asia/Shanghai",
  "Asia/Kashgar": "Asia/Urumqi", "Asia/Tel_Aviv": "Asia/Jerusalem", "Asia/Istanbul": "Europe/Istanbul",
  "Africa/Asmera": "Africa/Asmara", "Africa/Timbuktu": "Africa/Bamako", "Atlantic/Faeroe": "Atlantic/Faroe",
  "Atlantic/Jan_Mayen": "Arctic/Longyearbyen", "Europe/Belfast": "Europe/London", "Europe/Tiraspol": "Europe/Chisinau",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires", "America/Catamarca": "America/Argentina/Catamarca",
  "America/Cordoba": "America/Argentina/Cordoba", "America/Jujuy": "America/Argentina/Jujuy",
  "America/Mendoza": "America/Argentina/Mendoza", "America/Rosario": "America/Argentina/Cordoba",
  "America/Indianapolis": "America/Indiana/Indianapolis", "America/Fort_Wayne": "America/Indiana/Indianapolis",
  "America/Knox_IN": "America/Indiana/Knox", "America/Louisville": "America/Kentucky/Louisville",
  "America/Godthab": "America/Nuuk", "America/Coral_Harbour": "America/Atikokan", "America/Montreal": "America/Toronto",
  "America/Santa_Isabel": "America/Tijuana", "America/Ensenada": "America/Tijuana", "America/Porto_Acre": "America/Rio_Branco",
  "America/Atka": "America/Adak", "America/Shiprock": "America/Denver", "Antarctica/South_Pole": "Antarctica/McMurdo",
  "Pacific/Enderbury": "Pacific/Kanton", "Pacific/Ponape": "Pacific/Pohnpei", "Pacific/Truk": "Pacific/Chuuk",
  "Pacific/Yap": "Pacific/Chuuk", "Pacific/Samoa": "Pacific/Pago_Pago", "Pacific/Johnston": "Pacific/Honolulu",
  // Country and region aliases
  "US/Eastern": "America/New_York", "US/Central": "America/Chicago", "US/Mountain": "America/Denver",
  "US/Pacific": "America/Los_Angeles", "US/Alaska": "America/Anchorage", "US/Hawaii": "Pacific/Honolulu",
  "US/Arizona": "America/Phoenix", "Canada/Eastern": "America/Toronto", "Canada/Pacific": "America/Vancouver",
  "Brazil/East": "America/Sao_Paulo", "Mexico/General": "America/Mexico_City", "Chile/Continental": "America/Santiago",
  "Australia/ACT": "Australia/Sydney", "Australia/NSW": "Australia/Sydney", "Australia/Canberra": "Australia/Sydney",
  "Australia/North": "Australia/Darwin", "Australia/Queensland": "Australia/Brisbane", "Australia/South": "Australia/Adelaide",
  "Australia/Tasmania": "Australia/Hobart", "Australia/Victoria": "Australia/Melbourne", "Australia/West": "Australia/Perth",
  GB: "Europe/London", Eire: "Europe/Dublin", Poland: "Europe/Warsaw", Portugal: "Europe/Lisbon", Turkey: "Europe/Istanbul",
  Egypt: "Africa/Cairo", Libya: "Africa/Tripoli", Iran: "Asia/Tehran", Israel: "Asia/Jerusalem", Japan: "Asia/Tokyo",
  PRC: "Asia/Shanghai", ROC: "Asia/Taipei", ROK: "Asia/Seoul", Singapore: "Asia/Singapore", Hongkong: "Asia/Hong_Kong",
  NZ: "Pacific/Auckland", Cuba: "America/Havana", Jamaica: "America/Jamaica", Iceland: "Atlantic/Reykjavik",
};

/** Today's IANA name of a zone: a legacy name mapped, anything else as it is. */
export function canonicalZone(name: string): string {
  return LEGACY_ZONES[name] ?? name;
}

/** Offered in the list: canonical names, no "Etc/*" (fixed offsets with inverted signs) except UTC itself. */
export function isListedZone(name: string): boolean {
  return name === "UTC" || (!(name in LEGACY_ZONES) && !name.startsWith("Etc/") && name.includes("/"));
}

/**
 * The sorted list of zones to pick from: the browser's zones, canonical, plus UTC. `keep` names are listed even
 * when legacy (a stored zone must show as itself until the doctor changes it).
 */
export function zoneList(supported: readonly string[], keep: readonly string[] = []): string[] {
  const zones = new Set<string>(["UTC"]);
  for (const zone of supported) {
    const canonical = canonicalZone(zone);
    if (isListedZone(canonical)) zones.add(canonical);
  }
  for (const zone of keep) if (zone) zones.add(zone);
  return [...zones].sort();
}

/** The zone this browser runs in, by its canonical name (a default where nothing is stored), or null. */
export function browserZone(): string | null {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return zone ? canonicalZone(zone) : null;
  } catch {
    return null;
  }
}
