/**
 * The application form as a PDF file, made in the browser from the same PaperContent the print
 * form shows (application-paper.ts). jsPDF writes the file with DejaVu Sans embedded
 * (public/fonts: Latin + the whole Cyrillic block, so Kazakh ә ғ қ ң ө ұ ү һ і print; made by
 * scripts/subset-pdf-font.sh) as Identity-H with a ToUnicode map, so the text stays searchable
 * and copyable. This module and jsPDF load only when someone asks for a PDF
 * (ApplicationPaperActions imports it dynamically); the fonts are precached for offline use.
 */
import { jsPDF } from 'jspdf'
import QRCode from 'qrcode'
import type { PaperContent, PaperRow } from './application-paper.ts'

const FONTS = [
  { file: 'DejaVuSans-subset.ttf', style: 'normal' },
  { file: 'DejaVuSans-Bold-subset.ttf', style: 'bold' },
] as const
const FAMILY = 'DejaVuSans'
/** A4 in points. */
const PAGE = { width: 595.28, height: 841.89 } as const
const MARGIN = 42
const WIDTH = PAGE.width - 2 * MARGIN
const BODY = 10.5
const LINE = BODY * 1.35

/** The font file as the binary string jsPDF's virtual file system takes. */
async function fontFile(file: string): Promise<string> {
  const response = await fetch(`${import.meta.env.BASE_URL}fonts/${file}`)
  if (!response.ok) throw new Error(`font ${file}: HTTP ${response.status}`)
  const bytes = new Uint8Array(await response.arrayBuffer())
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return binary
}

/** Writes top-down on as many A4 pages as the content needs; `y` is the next line's top. */
class Writer {
  y = MARGIN

  constructor(readonly doc: jsPDF) {}

  /** Starts a new page when `height` points do not fit any more. */
  room(height: number): void {
    if (this.y + height <= PAGE.height - MARGIN) return
    this.doc.addPage()
    this.y = MARGIN
  }

  lines(text: string, width: number, size = BODY, style: 'normal' | 'bold' = 'normal'): string[] {
    this.doc.setFont(FAMILY, style).setFontSize(size)
    return text ? (this.doc.splitTextToSize(text, width) as string[]) : ['']
  }

  text(text: string, options: { size?: number; bold?: boolean; width?: number; x?: number; gapAfter?: number } = {}): void {
    const size = options.size ?? BODY
    for (const line of this.lines(text, options.width ?? WIDTH, size, options.bold ? 'bold' : 'normal')) {
      this.room(size * 1.35)
      this.y += size * 1.35
      this.doc.text(line, options.x ?? MARGIN, this.y - size * 0.3)
    }
    this.y += options.gapAfter ?? size * 0.5
  }

  /** A two-column bordered table: label | value; an empty value is a blank cell to fill in. */
  table(rows: readonly PaperRow[]): void {
    const labelWidth = WIDTH * 0.4
    const pad = 4
    this.doc.setLineWidth(0.7)
    for (const row of rows) {
      const labels = this.lines(row.label, labelWidth - 2 * pad, BODY, 'bold')
      const values = this.lines(row.value, WIDTH - labelWidth - 2 * pad)
      const height = Math.max(labels.length, values.length) * LINE + 2 * pad
      this.room(height)
      this.doc.rect(MARGIN, this.y, labelWidth, height).rect(MARGIN + labelWidth, this.y, WIDTH - labelWidth, height)
      this.doc.setFont(FAMILY, 'bold')
      labels.forEach((line, i) => this.doc.text(line, MARGIN + pad, this.y + pad + (i + 1) * LINE - BODY * 0.3))
      this.doc.setFont(FAMILY, 'normal')
      values.forEach((line, i) => this.doc.text(line, MARGIN + labelWidth + pad, this.y + pad + (i + 1) * LINE - BODY * 0.3))
      this.y += height
    }
    this.y += BODY
  }

  /** The QR code of `text` as filled squares, `size` points wide, at the top right of the current line. */
  qr(text: string, size: number): void {
    const modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules
    const cell = size / (modules.size + 4)
    const left = MARGIN + WIDTH - size
    for (let row = 0; row < modules.size; row++) {
      for (let col = 0; col < modules.size; col++) {
        if (modules.get(row, col)) this.doc.rect(left + (col + 2) * cell, this.y + (row + 2) * cell, cell, cell, 'F')
      }
    }
  }
}

/** The PDF bytes of the application form. */
export async function buildApplicationPdf(content: PaperContent): Promise<Uint8Array> {
  // putOnlyUsedFonts: without it every PDF lists the 14 standard fonts it never uses.
  const doc = new jsPDF({ unit: 'pt', format: 'a4', compress: true, putOnlyUsedFonts: true })
  const files = await Promise.all(FONTS.map((f) => fontFile(f.file)))
  FONTS.forEach((f, i) => {
    doc.addFileToVFS(f.file, files[i]!)
    // Encoding in the fourth place: jsPDF reads a weight there as part of the style name, and
    // setFont(FAMILY, 'bold') would then miss the bold face and fall back to a standard font.
    doc.addFont(f.file, FAMILY, f.style, 'Identity-H')
  })
  doc.setFont(FAMILY, 'normal')
  doc.setDocumentProperties({ title: `${content.title} — ${content.number}`, creator: 'Qoltanba' })
  doc.setLanguage(content.locale as Parameters<jsPDF['setLanguage']>[0])

  const w = new Writer(doc)
  const qrSize = 100
  const headTop = w.y
  w.qr(content.number, qrSize)
  w.text(content.title, { size: 15, bold: true, width: WIDTH - qrSize - 10 })
  w.text(content.addressee, { width: WIDTH - qrSize - 10 })
  w.y = Math.max(w.y, headTop + qrSize)
  w.table(content.rows)
  if (content.center) {
    w.text(content.center.title, { bold: true, size: 12 })
    for (const line of content.center.lines) w.text(line, { gapAfter: 0 })
    w.y += BODY
  }
  w.text(content.bringTitle, { bold: true, size: 12 })
  for (const item of content.bring) w.text(`•  ${item}`, { x: MARGIN + 8, width: WIDTH - 8, gapAfter: 2 })
  w.y += BODY
  w.text(content.statement, { gapAfter: BODY * 3 })
  w.room(BODY * 4)
  const half = WIDTH / 2
  doc.setFont(FAMILY, 'normal').setFontSize(BODY)
  content.signatures.forEach((label, i) => {
    const x = MARGIN + i * half
    doc.line(x, w.y, x + half - 30, w.y)
    doc.text(label, x, w.y + LINE)
  })
  w.y += BODY * 3
  // The tear-off part stays whole on one page: cut line, title, note and its two table rows.
  const noteLines = w.lines(content.slip.note, WIDTH).length
  w.room(BODY + 12 * 1.35 + 6 + noteLines * LINE + BODY * 0.5 + content.slip.rows.length * (LINE + 8) + BODY)
  doc.setLineDashPattern([4, 3], 0).line(MARGIN, w.y, MARGIN + WIDTH, w.y).setLineDashPattern([], 0)
  w.y += BODY
  w.text(content.slip.title, { bold: true, size: 12 })
  w.text(content.slip.note)
  w.table(content.slip.rows)
  return new Uint8Array(doc.output('arraybuffer'))
}
