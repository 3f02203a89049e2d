import { astanaTime, type MailTemplates } from './types.ts'

const purpose = (p: string | undefined) => (p === 'sign' ? 'подписи' : 'аутентификации')
/** 1 день, 2 дня, 5 дней, 21 день. */
function daysRu(n: number | undefined): string {
  const v = n ?? 0
  const m10 = v % 10
  const m100 = v % 100
  const word = m10 === 1 && m100 !== 11 ? 'день' : m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14) ? 'дня' : 'дней'
  return `${v} ${word}`
}

export const ru: MailTemplates = {
  confirm: (d) => ({
    subject: `Подтвердите адрес электронной почты — заявка ${d.number}`,
    paragraphs: [`Ваш код подтверждения: ${d.code}`, `Введите его на странице статуса заявки ${d.number}. До этого мы не отправим на этот адрес ничего другого.`, 'Если вы не подавали заявку на сертификат, просто проигнорируйте это письмо.'],
    link: { label: 'Статус заявки', path: `/status/${d.number}` },
  }),
  received: (d) => ({
    subject: `Заявка ${d.number} принята`,
    paragraphs: [`Ваша заявка на сертификат ${d.number} принята.`, 'Обратитесь в центр регистрации с удостоверением личности, чтобы её одобрили.'],
    link: { label: 'Статус заявки', path: `/status/${d.number}` },
  }),
  issued: (d) => ({
    subject: `Сертификаты выпущены — заявка ${d.number}`,
    paragraphs: [`Сертификаты по заявке ${d.number} выпущены.`, 'Установите их сейчас на устройстве, где были созданы ключи.'],
    link: { label: 'Установить сертификаты', path: `/install/${d.number}` },
  }),
  rejected: (d) => ({
    subject: `Заявка ${d.number} отклонена`,
    paragraphs: [`Ваша заявка ${d.number} отклонена.`, `Причина: ${d.reason ?? ''}`, 'Вы можете исправить данные и подать заявку снова.'],
    link: { label: 'Статус заявки', path: `/status/${d.number}` },
  }),
  revoked: (d) => ({
    subject: `Сертификат отозван — заявка ${d.number}`,
    paragraphs: [`Ваш сертификат ${purpose(d.purpose)} ${d.serial} (заявка ${d.number}) отозван и больше не может использоваться.`],
    link: { label: 'Мои сертификаты', path: '/certificates' },
  }),
  held: (d) => ({
    subject: `Действие сертификата приостановлено — заявка ${d.number}`,
    paragraphs: [`Действие вашего сертификата ${purpose(d.purpose)} ${d.serial} (заявка ${d.number}) приостановлено. Пока его не возобновят, он недействителен.`],
    link: { label: 'Мои сертификаты', path: '/certificates' },
  }),
  released: (d) => ({
    subject: `Сертификат снова действует — заявка ${d.number}`,
    paragraphs: [`Действие вашего сертификата ${purpose(d.purpose)} ${d.serial} (заявка ${d.number}) возобновлено.`],
    link: { label: 'Мои сертификаты', path: '/certificates' },
  }),
  expiring: (d) => ({
    subject: `Срок ваших сертификатов истекает через ${daysRu(d.days)} — заявка ${d.number}`,
    paragraphs: [`Срок сертификатов по заявке ${d.number} истекает через ${daysRu(d.days)}.`, 'Продлите их онлайн текущим ключом, без визита в центр регистрации.'],
    link: { label: 'Продлить', path: `/certificates?renew=${d.serial}` },
  }),
  new_device: (d) => ({
    subject: 'Вход с нового устройства',
    paragraphs: [
      `С вашим сертификатом выполнен вход в Qoltanba с устройства, которое раньше не использовалось: ${d.browser ?? 'неизвестный браузер'}, ${d.os ?? 'неизвестная система'}, ${astanaTime(d.at, 'ru')} (время Астаны).`,
      'Если это были вы, ничего делать не нужно.',
      'Если это были не вы, ваш ключ, возможно, оказался у посторонних: завершите этот сеанс в личном кабинете («Где выполнен вход») и отзовите сертификат в разделе «Мои сертификаты» или в центре регистрации.',
    ],
    link: { label: 'Личный кабинет', path: '/cabinet' },
  }),
}
