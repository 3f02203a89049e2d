/**
 * The phone's "Scan": the camera's frames are read by the Barcode Detection API where the
 * browser has it, otherwise by jsQR in a worker (qr-decode.worker.ts), until a QR code is found.
 * The camera is released as soon as one is found, on stop, and when the component goes away.
 */
import { onBeforeUnmount, ref, type Ref } from 'vue'

interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<Array<{ rawValue: string }>>
}
declare const BarcodeDetector: { new (options: { formats: string[] }): BarcodeDetectorLike } | undefined

export function useQrScanner(video: Ref<HTMLVideoElement | null>, onText: (text: string) => boolean) {
  /** Scanning: the camera is on. */
  const active = ref(false)
  /** The camera could not be opened (denied, absent). */
  const failed = ref(false)
  let stream: MediaStream | null = null
  let worker: Worker | null = null
  let frame = 0

  function stop(): void {
    active.value = false
    cancelAnimationFrame(frame)
    stream?.getTracks().forEach((track) => track.stop())
    stream = null
    worker?.terminate()
    worker = null
  }

  function decoder(): (v: HTMLVideoElement) => Promise<string | null> {
    if (typeof BarcodeDetector !== 'undefined') {
      const detector = new BarcodeDetector({ formats: ['qr_code'] })
      return async (v) => (await detector.detect(v))[0]?.rawValue ?? null
    }
    const canvas = document.createElement('canvas')
    const context = canvas.getContext('2d', { willReadFrequently: true })
    worker = new Worker(new URL('./qr-decode.worker.ts', import.meta.url), { type: 'module' })
    const w = worker
    return (v) =>
      new Promise((resolve) => {
        if (!context || !v.videoWidth) return resolve(null)
        canvas.width = v.videoWidth
        canvas.height = v.videoHeight
        context.drawImage(v, 0, 0)
        const image = context.getImageData(0, 0, canvas.width, canvas.height)
        w.onmessage = (e: MessageEvent<string | null>) => resolve(e.data)
        w.postMessage({ data: image.data, width: image.width, height: image.height }, [image.data.buffer])
      })
  }

  async function start(): Promise<void> {
    stop()
    failed.value = false
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } })
    } catch {
      failed.value = true
      return
    }
    active.value = true
    const v = video.value
    if (!v) return stop()
    v.srcObject = stream
    await v.play().catch(() => undefined)
    const decode = decoder()
    const tick = async () => {
      if (!active.value) return
      const text = await decode(v).catch(() => null)
      if (text && onText(text)) return stop()
      frame = requestAnimationFrame(() => void tick())
    }
    void tick()
  }

  onBeforeUnmount(stop)
  return { active, failed, start, stop }
}
