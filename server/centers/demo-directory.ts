/**
 * DEMO DATA. The registration-center directory a new installation starts with (seed.ts), so the
 * wizard, the printed form and the public directory work out of the box: one center in each
 * region's administrative centre, two in Astana and Almaty. The streets exist, but the house
 * numbers, phone numbers and the centers themselves are made up — these are NOT NCA RK or
 * public-service (ХҚКО/ЦОН) offices. Every name says "demo"; an operator replaces the directory
 * with real centers (`qoltanba centers add …`, then `deactivate` the demo ones; docs/centers.md).
 */
import type { NewCenter } from './service.ts'

type Three = readonly [kk: string, ru: string, en: string]

/** id, region, city, street (with house number), phone area code, latitude, longitude. */
const PLACES: ReadonlyArray<readonly [string, string, Three, Three, string, number, number]> = [
  ['astana-1', 'KZ-71', ['Астана', 'Астана', 'Astana'], ['Қабанбай батыр даңғылы, 11', 'проспект Кабанбай батыра, 11', '11 Kabanbay Batyr Avenue'], '7172', 51.1282, 71.4304],
  ['astana-2', 'KZ-71', ['Астана', 'Астана', 'Astana'], ['Бейбітшілік көшесі, 33', 'улица Бейбитшилик, 33', '33 Beibitshilik Street'], '7172', 51.1694, 71.4143],
  ['almaty-1', 'KZ-75', ['Алматы', 'Алматы', 'Almaty'], ['Абай даңғылы, 52', 'проспект Абая, 52', '52 Abay Avenue'], '727', 43.2397, 76.9193],
  ['almaty-2', 'KZ-75', ['Алматы', 'Алматы', 'Almaty'], ['Төле би көшесі, 180', 'улица Толе би, 180', '180 Tole Bi Street'], '727', 43.2531, 76.8882],
  ['shymkent-1', 'KZ-79', ['Шымкент', 'Шымкент', 'Shymkent'], ['Тәуке хан даңғылы, 35', 'проспект Тауке хана, 35', '35 Tauke Khan Avenue'], '7252', 42.3155, 69.5869],
  ['semey-1', 'KZ-10', ['Семей', 'Семей', 'Semey'], ['Абай көшесі, 92', 'улица Абая, 92', '92 Abay Street'], '7222', 50.4111, 80.2275],
  ['kokshetau-1', 'KZ-11', ['Көкшетау', 'Кокшетау', 'Kokshetau'], ['Абылай хан көшесі, 40', 'улица Абылай хана, 40', '40 Abylai Khan Street'], '7162', 53.2833, 69.3833],
  ['aktobe-1', 'KZ-15', ['Ақтөбе', 'Актобе', 'Aktobe'], ['Әбілқайыр хан даңғылы, 44', 'проспект Абулхаир хана, 44', '44 Abulkhair Khan Avenue'], '7132', 50.2839, 57.167],
  ['konaev-1', 'KZ-19', ['Қонаев', 'Конаев', 'Konaev'], ['Жамбыл көшесі, 14', 'улица Жамбыла, 14', '14 Zhambyl Street'], '72772', 43.8667, 77.0667],
  ['atyrau-1', 'KZ-23', ['Атырау', 'Атырау', 'Atyrau'], ['Сәтбаев даңғылы, 9', 'проспект Сатпаева, 9', '9 Satpayev Avenue'], '7122', 47.1167, 51.8833],
  ['oral-1', 'KZ-27', ['Орал', 'Уральск', 'Oral'], ['Достық даңғылы, 180', 'проспект Достык, 180', '180 Dostyk Avenue'], '7112', 51.2333, 51.3667],
  ['taraz-1', 'KZ-31', ['Тараз', 'Тараз', 'Taraz'], ['Төле би даңғылы, 36', 'проспект Толе би, 36', '36 Tole Bi Avenue'], '7262', 42.9, 71.3667],
  ['taldykorgan-1', 'KZ-33', ['Талдықорған', 'Талдыкорган', 'Taldykorgan'], ['Қабанбай батыр көшесі, 26', 'улица Кабанбай батыра, 26', '26 Kabanbay Batyr Street'], '7282', 45.0156, 78.3739],
  ['karaganda-1', 'KZ-35', ['Қарағанды', 'Караганда', 'Karaganda'], ['Бұқар жырау даңғылы, 47', 'проспект Бухар жырау, 47', '47 Bukhar Zhyrau Avenue'], '7212', 49.8047, 73.1094],
  ['kostanay-1', 'KZ-39', ['Қостанай', 'Костанай', 'Kostanay'], ['Әл-Фараби даңғылы, 65', 'проспект аль-Фараби, 65', '65 Al-Farabi Avenue'], '7142', 53.2144, 63.6246],
  ['kyzylorda-1', 'KZ-43', ['Қызылорда', 'Кызылорда', 'Kyzylorda'], ['Әйтеке би көшесі, 27', 'улица Айтеке би, 27', '27 Aiteke Bi Street'], '7242', 44.8528, 65.5092],
  ['aktau-1', 'KZ-47', ['Ақтау', 'Актау', 'Aktau'], ['14-шағын аудан, 20-үй', '14-й микрорайон, дом 20', 'Microdistrict 14, building 20'], '7292', 43.6481, 51.1722],
  ['pavlodar-1', 'KZ-55', ['Павлодар', 'Павлодар', 'Pavlodar'], ['Сәтбаев көшесі, 75', 'улица Сатпаева, 75', '75 Satpayev Street'], '7182', 52.2833, 76.9667],
  ['petropavl-1', 'KZ-59', ['Петропавл', 'Петропавловск', 'Petropavl'], ['Жамбыл көшесі, 160', 'улица Жамбыла, 160', '160 Zhambyl Street'], '7152', 54.8667, 69.15],
  ['turkistan-1', 'KZ-61', ['Түркістан', 'Туркестан', 'Turkistan'], ['Тәуке хан даңғылы, 5', 'проспект Тауке хана, 5', '5 Tauke Khan Avenue'], '72533', 43.2973, 68.2518],
  ['zhezkazgan-1', 'KZ-62', ['Жезқазған', 'Жезказган', 'Zhezkazgan'], ['Алашахан даңғылы, 12', 'проспект Алашахана, 12', '12 Alashakhan Avenue'], '7102', 47.7833, 67.7667],
  ['oskemen-1', 'KZ-63', ['Өскемен', 'Усть-Каменогорск', 'Oskemen'], ['Қазыбек би көшесі, 40', 'улица Казыбек би, 40', '40 Kazybek Bi Street'], '7232', 49.9483, 82.6275],
]

const WEEKDAYS: Three = ['Дс–Жм 09:00–18:00', 'Пн–Пт 09:00–18:00', 'Mon–Fri 09:00–18:00']
const WITH_SATURDAY: Three = ['Дс–Жм 09:00–19:00, Сб 10:00–14:00', 'Пн–Пт 09:00–19:00, Сб 10:00–14:00', 'Mon–Fri 09:00–19:00, Sat 10:00–14:00']

const three = ([kk, ru, en]: Three) => ({ kk, ru, en })

/** The demo directory (see the header: made-up centers, marked "demo" in every name). */
export const DEMO_CENTERS: readonly NewCenter[] = PLACES.map(([id, region, city, street, areaCode, lat, lon]) => {
  const n = Number(id.split('-').pop())
  // The three cities of republican significance keep Saturday hours in the demo.
  const hours = ['KZ-71', 'KZ-75', 'KZ-79'].includes(region) ? WITH_SATURDAY : WEEKDAYS
  return {
    id,
    region,
    name: { kk: `№${n} тіркеу орталығы, ${city[0]} (демо)`, ru: `Центр регистрации №${n}, ${city[1]} (демо)`, en: `Registration center No. ${n}, ${city[2]} (demo)` },
    address: { kk: `${city[0]} қ., ${street[0]}`, ru: `г. ${city[1]}, ${street[1]}`, en: `${street[2]}, ${city[2]}` },
    hours: three(hours),
    phone: `+7 ${areaCode} 55 0${n} 0${n}`,
    mapUrl: `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`,
  }
})
