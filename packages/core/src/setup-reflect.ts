// tsyringe throws at import unless the Reflect metadata polyfill is loaded first.
// Vitest loads this file before every test file; src/index.ts imports it too.
import 'reflect-metadata';
