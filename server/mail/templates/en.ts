import { astanaTime, type MailTemplates } from './types.ts'

const purpose = (p: string | undefined) => (p === 'sign' ? 'signing' : 'authentication')

export const en: MailTemplates = {
  confirm: (d) => ({
    subject: `Confirm your e-mail address — application ${d.number}`,
    paragraphs: [`Your confirmation code: ${d.code}`, `Enter it on the status page of application ${d.number}. Until then we send nothing else to this address.`, 'If you did not apply for a certificate, ignore this message.'],
    link: { label: 'Application status', path: `/status/${d.number}` },
  }),
  received: (d) => ({
    subject: `Application ${d.number} received`,
    paragraphs: [`Your certificate application ${d.number} has been received.`, 'Visit the registration center with your identity document to have it approved.'],
    link: { label: 'Application status', path: `/status/${d.number}` },
  }),
  issued: (d) => ({
    subject: `Certificates issued — application ${d.number}`,
    paragraphs: [`Your certificates for application ${d.number} have been issued.`, 'Install them now on the device where you made the keys.'],
    link: { label: 'Install the certificates', path: `/install/${d.number}` },
  }),
  rejected: (d) => ({
    subject: `Application ${d.number} rejected`,
    paragraphs: [`Your application ${d.number} was rejected.`, `Reason: ${d.reason ?? ''}`, 'You may correct it and apply again.'],
    link: { label: 'Application status', path: `/status/${d.number}` },
  }),
  revoked: (d) => ({
    subject: `Certificate revoked — application ${d.number}`,
    paragraphs: [`Your ${purpose(d.purpose)} certificate ${d.serial} (application ${d.number}) has been revoked and can no longer be used.`],
    link: { label: 'My certificates', path: '/certificates' },
  }),
  held: (d) => ({
    subject: `Certificate suspended — application ${d.number}`,
    paragraphs: [`Your ${purpose(d.purpose)} certificate ${d.serial} (application ${d.number}) has been suspended. It is not valid until it is released.`],
    link: { label: 'My certificates', path: '/certificates' },
  }),
  released: (d) => ({
    subject: `Certificate valid again — application ${d.number}`,
    paragraphs: [`The suspension of your ${purpose(d.purpose)} certificate ${d.serial} (application ${d.number}) has been lifted; it is valid again.`],
    link: { label: 'My certificates', path: '/certificates' },
  }),
  expiring: (d) => ({
    subject: `Your certificates end in ${d.days} ${d.days === 1 ? 'day' : 'days'} — application ${d.number}`,
    paragraphs: [`The certificates of application ${d.number} end in ${d.days} ${d.days === 1 ? 'day' : 'days'}.`, 'Renew them online with your current key, without visiting the registration center.'],
    link: { label: 'Renew', path: `/certificates?renew=${d.serial}` },
  }),
  new_device: (d) => ({
    subject: 'Sign-in from a new device',
    paragraphs: [
      `Someone signed in to Qoltanba with your certificate from a device not used before: ${d.browser ?? 'an unknown browser'} on ${d.os ?? 'an unknown system'}, ${astanaTime(d.at, 'en')} (Astana time).`,
      'If it was you, there is nothing to do.',
      'If it was not you, your key may be in someone else\'s hands: end that session in your account ("Where you are signed in"), then revoke the certificate in "My certificates" or at a registration center.',
    ],
    link: { label: 'Your account', path: '/cabinet' },
  }),
}
