/**
 * A registration center as the paper side of an application prints it (application-paper.ts's
 * PaperCenter): name and address, then hours and phone with their labels, in one language.
 */
import { centerText, type RegistrationCenter } from '@/core/centers-wire.ts'

/** The printed lines of `center` in `locale`; `t` labels the hours and the phone. */
export function paperCenterOf(center: RegistrationCenter, locale: string, t: (key: string) => string) {
  return {
    name: centerText(center.name, locale),
    address: centerText(center.address, locale),
    hours: `${t('centers.card.hours')}: ${centerText(center.hours, locale)}`,
    phone: `${t('centers.card.phone')}: ${center.phone}`,
  }
}
