import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'coverage/**', '.tap/**'] }),
  // The inspector page's script runs in the browser, as it is (no build step).
  {
    files: ['src/inspector/ui/**/*.js'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        history: 'readonly',
        fetch: 'readonly',
        EventSource: 'readonly',
        FormData: 'readonly',
        Node: 'readonly',
        CSS: 'readonly',
        Element: 'readonly'
      }
    }
  }
]
