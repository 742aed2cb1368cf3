import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      ".next-*/**",
      ".data/**",
      "node_modules/**",
      "lib/generated/**",
      "next-env.d.ts",
      "playwright-report/**",
      "test-results/**",
      "bench/results/**",
      // The benchmark's peer (Better Auth): its own app, dependencies and build.
      "bench/better-auth/**",
    ],
  },
];

export default config;
