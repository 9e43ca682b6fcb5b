// Lint configuration: ESLint's recommended rules plus typescript-eslint's, over src, test, bench and scripts.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "build-check/",
      "node_modules/",
      "out/",
      ".tmp/",
      "dist-web/",
      // AssemblyScript (own tsconfig) and the kernels built from it
      "src/backend/wasm/assembly/",
      "src/backend/wasm/generated/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: "readonly", process: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
