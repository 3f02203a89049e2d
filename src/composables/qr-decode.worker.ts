/** Decodes a QR code from one camera frame off the main thread (jsQR), for browsers without BarcodeDetector. */
import jsQR from 'jsqr'

self.onmessage = (e: MessageEvent<{ data: Uint8ClampedArray; width: number; height: number }>) => {
  const { data, width, height } = e.data
  const found = jsQR(data, width, height, { inversionAttempts: 'dontInvert' })
  self.postMessage(found?.data ?? null)
}
