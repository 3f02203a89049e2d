/**
 * Vite plugin: jsPDF's optional extras (html2canvas and DOMPurify for `html()`, canvg for SVG
 * images) become an empty module when jsPDF itself imports them. The application PDF
 * (src/components/application/application-pdf.ts) draws text, lines and squares only, so they
 * are never loaded; left in, they would still be built as lazy chunks and precached by the
 * service worker (~110 KB gzip every installation downloads for nothing). Scoped to importers
 * inside node_modules/jspdf, so anyone else importing these packages gets the real ones.
 */
import type { Plugin } from 'vite'

const EXTRAS = new Set(['html2canvas', 'dompurify', 'canvg'])
const STUB = '\0jspdf-extra-unused'

export function jspdfWithoutExtras(): Plugin {
  return {
    name: 'qoltanba:jspdf-without-extras',
    enforce: 'pre',
    resolveId(source, importer) {
      if (EXTRAS.has(source) && importer && /[\\/]node_modules[\\/]jspdf[\\/]/.test(importer)) return STUB
      return null
    },
    load(id) {
      if (id !== STUB) return null
      return 'export default undefined\n'
    },
  }
}
