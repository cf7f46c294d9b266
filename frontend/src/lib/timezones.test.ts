import { describe, expect, it } from "vitest";
import { canonicalZone, zoneList } from "./timezones";

describe("canonical zone names", () => {
  it("maps legacy names and leaves canonical ones alone", () => {
    expect(canonicalZone("Europe/Kiev")).toBe("Europe/Kyiv");
    expect(canonicalZone("Asia/Calcutta")).toBe("Asia/Kolkata");
    expect(canonicalZone("Etc/UTC")).toBe("UTC");
    expect(canonicalZone("Zulu")).toBe("UTC");
    expect(canonicalZone("Europe/Athens")).toBe("Europe/Athens");
  });

  it("lists each zone once by its canonical name, UTC but no other Etc/*", () => {
    const list = zoneList(["Europe/Kiev", "Europe/Kyiv", "Asia/Calcutta", "Etc/GMT+5", "Etc/UTC", "GMT", "Universal", "Europe/Athens"]);
    expect(list).toEqual(["Asia/Kolkata", "Europe/Athens", "Europe/Kyiv", "UTC"]);
  });

  it("keeps a stored legacy zone so the form still shows it", () => {
    expect(zoneList(["Europe/Kyiv"], ["Europe/Kiev"])).toEqual(["Europe/Kiev", "Europe/Kyiv", "UTC"]);
  });

  it("the browser's own list has no legacy names left", () => {
    const supported = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
    const list = zoneList(supported);
    for (const legacy of ["Europe/Kiev", "Asia/Calcutta", "Asia/Saigon", "America/Buenos_Aires", "Etc/UTC"]) expect(list).not.toContain(legacy);
    expect(list).toContain("UTC");
  });
});
