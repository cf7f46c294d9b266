import { describe, expect, it } from "vitest";
import { ApiError } from "./http";
import { serverErrorText } from "./serverErrors";

describe("serverErrorText", () => {
  it("joins every error's message, field errors included", () => {
    const error = new ApiError(400, [
      { path: "includePatientNames", code: "INVALID_TYPE", message: "Expected true or false." },
      { path: "", code: "X", message: "Try again." },
    ]);
    expect(serverErrorText(error)).toBe("Expected true or false. Try again.");
  });

  it("names a failure that is not the API's", () => {
    expect(serverErrorText(new Error("boom"))).toBe("boom");
    expect(serverErrorText(null)).toBe("Something went wrong. Try again.");
  });
});
