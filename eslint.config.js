// Figma's own lint rules over the sandbox code, so an API that breaks under dynamic-page fails `npm test`.
import * as figmaPlugins from '@figma/eslint-plugin-figma-plugins';
import tseslint from 'typescript-eslint';

export default [
  {
    files: ['plugin/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: './plugin/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@figma/figma-plugins': figmaPlugins },
    rules: figmaPlugins.flatConfigs.recommended.rules,
  },
];
