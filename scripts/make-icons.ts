/**
 * Renders the app icons (public/*.png, favicon.ico) from the SVG below with headless Chromium,
 * so they can be regenerated exactly: `npx tsx scripts/make-icons.ts`. The PNGs are committed;
 * the build does not depend on this script.
 */
import { writeFileSync } from 'node:fs'
import { chromium } from '@playwright/test'

const BRAND = '#004c5e'
const ACCENT = '#f2b705'

/** The mark: a white signature stroke over a gold line. `inset` shrinks it into the safe zone. */
function mark(inset: number): string {
  const scale = 1 - inset * 2
  const offset = 512 * inset
  return `<g transform="translate(${offset} ${offset}) scale(${scale})">
    <path d="M92 318 C 120 200, 178 176, 192 262 S 214 372, 262 300 S 300 168, 330 214 S 338 330, 372 300 S 410 236, 432 228"
      fill="none" stroke="#fff" stroke-width="30" stroke-linecap="round" stroke-linejoin="round"/>
    <path d="M112 392 H 400" stroke="${ACCENT}" stroke-width="22" stroke-linecap="round"/>
  </g>`
}

/** Rounded tile for "any" icons (transparent corners), full bleed for maskable/apple. */
function svg(kind: 'any' | 'full' | 'maskable'): string {
  const background =
    kind === 'any' ? `<rect width="512" height="512" rx="104" fill="${BRAND}"/>` : `<rect width="512" height="512" fill="${BRAND}"/>`
  // Maskable icons are cropped to a circle of 80 % diameter: keep the mark inside it.
  const inset = kind === 'maskable' ? 0.12 : 0.02
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">${background}${mark(inset)}</svg>`
}

/** Wraps one PNG in an ICO container (PNG-in-ICO is valid since Windows Vista). */
function icoFromPng(png: Buffer, size: number): Buffer {
  const header = Buffer.alloc(22)
  header.writeUInt16LE(0, 0) // reserved
  header.writeUInt16LE(1, 2) // type: icon
  header.writeUInt16LE(1, 4) // one image
  header.writeUInt8(size >= 256 ? 0 : size, 6) // width
  header.writeUInt8(size >= 256 ? 0 : size, 7) // height
  header.writeUInt16LE(1, 10) // colour planes
  header.writeUInt16LE(32, 12) // bits per pixel
  header.writeUInt32LE(png.length, 14) // image size
  header.writeUInt32LE(22, 18) // image offset
  return Buffer.concat([header, png])
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
const page = await browser.newPage()

async function render(kind: 'any' | 'full' | 'maskable', size: number): Promise<Buffer> {
  await page.setViewportSize({ width: size, height: size })
  await page.setContent(
    `<html><body style="margin:0;background:transparent">` +
      `<img src="data:image/svg+xml;base64,${Buffer.from(svg(kind)).toString('base64')}" width="${size}" height="${size}" style="display:block"></body></html>`,
  )
  return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } })
}

writeFileSync('public/favicon.svg', svg('any'))
writeFileSync('public/pwa-64x64.png', await render('any', 64))
writeFileSync('public/pwa-192x192.png', await render('any', 192))
writeFileSync('public/pwa-512x512.png', await render('any', 512))
writeFileSync('public/maskable-icon-512x512.png', await render('maskable', 512))
writeFileSync('public/apple-touch-icon-180x180.png', await render('full', 180))
writeFileSync('public/favicon.ico', icoFromPng(await render('any', 48), 48))
await browser.close()
console.info('icons written to public/')
