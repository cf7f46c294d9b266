// ESLint (flat config): `npm run lint`, also run by `make lint`. typescript-eslint's recommended rules, React's
// rules of hooks (incl. exhaustive-deps), and the layout's one rule: src/lib is shared and never imports a feature,
// and one feature never imports another (what both need lives in src/lib).
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

const noImport = (pattern, message) => ["error", { patterns: [{ group: [pattern].flat(), message }] }];
const OTHERS = "Features do not import each other; move what both need to src/lib.";

export default defineConfig([
  globalIgnores(["node_modules/", "coverage/"]),
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, tseslint.configs.recommended, reactHooks.configs.flat.recommended],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    files: ["src/lib/**"],
    rules: { "no-restricted-imports": noImport("**/features/**", "src/lib is shared: it never imports a feature.") },
  },
  {
    files: ["src/features/weekly-hours/**"],
    rules: { "no-restricted-imports": noImport(["**/time-off/**", "**/calendar-feed/**"], OTHERS) },
  },
  {
    files: ["src/features/time-off/**"],
    rules: { "no-restricted-imports": noImport(["**/weekly-hours/**", "**/calendar-feed/**"], OTHERS) },
  },
  {
    files: ["src/features/calendar-feed/**"],
    rules: { "no-restricted-imports": noImport(["**/weekly-hours/**", "**/time-off/**"], OTHERS) },
  },
  {
    files: ["scripts/**/*.mjs", "*.js"],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2022, globals: globals.node },
  },
  // The functions smoke.mjs hands to page.evaluate run in the browser.
  { files: ["scripts/smoke.mjs"], languageOptions: { globals: { document: "readonly" } } },
]);
