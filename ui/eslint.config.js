import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "src/bindings/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Components go through src/api.ts; nothing else may reach the transport (commands or events).
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "@tauri-apps/api/core", message: "call commands through src/api.ts" },
            { name: "@tauri-apps/api/event", message: "listen through src/api.ts (onSyncEvent…)" },
          ],
        },
      ],
    },
  },
  // Tests drive the transport's mocks (mockIPC, emit) to check what api.ts sends and hears.
  { files: ["src/api.ts", "test/**"], rules: { "no-restricted-imports": "off" } },
);
