import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "src/bindings/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Components go through src/api.ts; nothing else may reach the transport.
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "@tauri-apps/api/core", message: "call commands through src/api.ts" }] },
      ],
    },
  },
  { files: ["src/api.ts"], rules: { "no-restricted-imports": "off" } },
);
