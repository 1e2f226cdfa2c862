// Vite + Vitest configuration of the Outtake UI.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  // Component tests mount in jsdom: use Svelte's browser build there.
  resolve: mode === 'test' ? { conditions: ['browser'] } : undefined,
  // Tauri serves the built files from disk; relative URLs keep that working.
  base: './',
  clearScreen: false,
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  // The theme's CSS is read as text by the contrast test, so Vitest must not blank it.
  test: { environment: 'jsdom', globals: true, include: ['src/**/*.test.ts'], css: { include: [/app\.css/] } },
}));
