/**
 * The file pickers speak the app's language, not the browser's (UiFilePicker): in kk and ru the
 * browser's own "Choose File / No file chosen" control is not drawn, the button and the chosen
 * file (name and size, with the right plural) are in the chosen language, the real input is
 * reached with Tab and named by its field's label, a dropped file is taken, and axe stays clean.
 * /verify has two pickers with drop areas, the key-file import dialog one; /signin has one without.
 */
import { test, expect, expectAccessible, pageHeading } from './fixtures.ts'
import { message } from './handover-helpers.ts'

/** The size as the picker writes it, per language: 2 bytes and 2 345 bytes (a no-break space before the unit). */
const SIZES = {
  kk: { small: '2\u00a0байт', large: '2,3\u00a0КБ' },
  ru: { small: '2\u00a0байта', large: '2,3\u00a0КБ' },
} as const

for (const locale of ['kk', 'ru'] as const) {
  test.describe(`file picker (${locale})`, () => {
    test.use({ appLocale: locale })
    const m = (key: string) => message(locale, key)

    test('/verify: own button and words, Tab reaches the input, picked and dropped files shown with their size', async ({ page }) => {
      await page.goto('/verify')
      await pageHeading(page)
      const signature = page.getByTestId('verify-signature-input')
      const documentInput = page.getByTestId('verify-document-input')

      // The browser's control is not drawn: the input is a 1 px box, the app's button is shown instead.
      const box = await signature.boundingBox()
      expect(box && box.width <= 1 && box.height <= 1, 'the native control is visually hidden').toBe(true)
      const button = page.locator('label.ui-file__button').first()
      await expect(button).toHaveText(m('ui.file_picker.choose'))
      await expect(signature).toHaveAccessibleName(new RegExp(`^${literal(m('verify.form.signature'))}`))
      await expect(signature).toHaveAccessibleDescription(new RegExp(`${literal(m('ui.file_picker.none'))}$`))

      // Keyboard: Tab reaches the hidden input, and its focus is drawn on the button.
      await page.locator('#main h1').focus()
      for (let i = 0; i < 30 && !(await signature.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab')
      await expect(signature).toBeFocused()
      expect(await button.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid')

      await signature.setInputFiles({ name: 'contract.pdf.p7s', mimeType: 'application/pkcs7-signature', buffer: Buffer.from([0x30, 0x00]) })
      const chosen = message(locale, 'ui.file_picker.selected_one', { files: `contract.pdf.p7s (${SIZES[locale].small})` })
      await expect(page.getByTestId('file-picker-chosen').first()).toHaveText(chosen)
      await expect(signature).toHaveAccessibleDescription(new RegExp(`${literal(chosen)}$`))

      const documentZone = page.locator('.ui-file--zone').nth(1)
      const transfer = await page.evaluateHandle(() => {
        const data = new DataTransfer()
        data.items.add(new File([new Uint8Array(2345)], 'шарт.pdf', { type: 'application/pdf' }))
        return data
      })
      await documentZone.dispatchEvent('drop', { dataTransfer: transfer })
      await expect(page.getByTestId('file-picker-chosen').nth(1)).toHaveText(
        message(locale, 'ui.file_picker.selected_one', { files: `шарт.pdf (${SIZES[locale].large})` }),
      )
      await expect(documentInput).toHaveAccessibleDescription(new RegExp(literal(`шарт.pdf (${SIZES[locale].large})`)))
      await expectAccessible(page, `/verify with files chosen (${locale})`)
    })

    test('the key-file import dialog: its drop area and button in the app\'s words, axe clean with a file chosen', async ({ page }) => {
      await page.goto('/certificates')
      await pageHeading(page)
      await page.getByTestId('open-import').click()
      const dialog = page.getByTestId('import-dialog')
      const zone = dialog.getByTestId('import-drop-zone')
      await expect(zone).toContainText(m('certificates.import.drop_here'))
      await expect(zone.locator('label.ui-file__button')).toHaveText(m('ui.file_picker.choose'))
      await dialog.getByTestId('import-file').setInputFiles({ name: 'AUTH_RSA256.p12', mimeType: 'application/x-pkcs12', buffer: Buffer.alloc(2345) })
      await expect(zone.getByTestId('file-picker-chosen')).toHaveText(
        message(locale, 'ui.file_picker.selected_one', { files: `AUTH_RSA256.p12 (${SIZES[locale].large})` }),
      )
      await expectAccessible(page, `import dialog with a file chosen (${locale})`)
    })

    test('/signin: a key file picker without a drop area, in the field\'s words', async ({ page }) => {
      await page.goto('/signin')
      await pageHeading(page)
      const input = page.getByTestId('signin-keyfile')
      await expect(input).toHaveAccessibleName(new RegExp(`^${literal(m('signin.keyfile.file_label'))}`))
      await expect(page.locator('.ui-file--zone')).toHaveCount(0)
      await expect(page.getByTestId('file-picker-chosen')).toHaveText(m('ui.file_picker.none'))
      await input.setInputFiles({ name: 'AUTH_RSA256.p12', mimeType: 'application/x-pkcs12', buffer: Buffer.alloc(2345) })
      await expect(page.getByTestId('file-picker-chosen')).toHaveText(
        message(locale, 'ui.file_picker.selected_one', { files: `AUTH_RSA256.p12 (${SIZES[locale].large})` }),
      )
      await expectAccessible(page, `/signin with a key file chosen (${locale})`)
    })
  })
}

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
