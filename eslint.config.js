// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The clock and randomness come from the engine; these folders must never reach for the real ones. */
const virtualTimeOnly = {
  files: ['src/engine/**/*.ts', 'src/strategies/**/*.ts', 'src/sim/**/*.ts', 'src/metrics/**/*.ts'],
  rules: {
    'no-restricted-globals': [
      'error',
      ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'performance'].map((name) => ({
        name,
        message: 'Use the Simulation clock and timers (engine/) instead of wall-clock time.',
      })),
    ],
    'no-restricted-properties': [
      'error',
      { object: 'Math', property: 'random', message: 'Use an injected Rng stream (engine/rng.ts).' },
      { object: 'Date', property: 'now', message: 'Use the Simulation clock (sim.nowMs).' },
      { object: 'performance', property: 'now', message: 'Use the Simulation clock (sim.nowMs).' },
      ...['log', 'exp', 'pow', 'cos', 'sin', 'tan', 'atan', 'atan2', 'log1p', 'expm1', 'log10', 'cbrt', 'sinh', 'cosh', 'tanh', 'asin', 'acos', 'hypot'].map((property) => ({
        object: 'Math',
        property,
        message: 'Engines differ in the last bit of Math.' + property + '; use src/numeric/fmath.ts, which gives the same bits everywhere (Node, browsers).',
      })),
    ],
    'no-restricted-syntax': [
      'error',
      { selector: "NewExpression[callee.name='Date']", message: 'No wall-clock dates in the model.' },
      {
        selector: "BinaryExpression[operator='**']:not([left.value=2]):not([right.value=2])",
        message: 'x ** y is Math.pow, whose last bit differs between engines; use pow from src/numeric/fmath.ts (2 ** n and x ** 2 are exact everywhere).',
      },
    ],
    'no-restricted-imports': [
      'error',
      ...['node:perf_hooks', 'perf_hooks', 'node:timers', 'timers', 'node:timers/promises'].map((name) => ({
        name,
        message: 'No wall-clock time in the model.',
      })),
    ],
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'results/', 'eslint.config.js', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Typed-array reads under noUncheckedIndexedAccess need `as number`; that is not an unsafe cast.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  virtualTimeOnly,
);
