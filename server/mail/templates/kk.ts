import type { MailTemplates } from './types.ts'

const purpose = (p: string | undefined) => (p === 'sign' ? 'қол қою' : 'аутентификация')

export const kk: MailTemplates = {
  confirm: (d) => ({
    subject: `Электрондық пошта мекенжайын растаңыз — № ${d.number} өтініш`,
    paragraphs: [`Растау кодыңыз: ${d.code}`, `Оны № ${d.number} өтініштің мәртебесі бетіне енгізіңіз. Оған дейін бұл мекенжайға басқа ештеңе жібермейміз.`, 'Егер сіз сертификатқа өтініш бермеген болсаңыз, бұл хатты елемеңіз.'],
    link: { label: 'Өтініш мәртебесі', path: `/status/${d.number}` },
  }),
  received: (d) => ({
    subject: `№ ${d.number} өтініш қабылданды`,
    paragraphs: [`Сертификатқа берілген № ${d.number} өтінішіңіз қабылданды.`, 'Өтінішті мақұлдату үшін жеке куәлігіңізбен тіркеу орталығына келіңіз.'],
    link: { label: 'Өтініш мәртебесі', path: `/status/${d.number}` },
  }),
  issued: (d) => ({
    subject: `Сертификаттар берілді — № ${d.number} өтініш`,
    paragraphs: [`№ ${d.number} өтініш бойынша сертификаттарыңыз берілді.`, 'Оларды кілттер жасалған құрылғыға қазір орнатыңыз.'],
    link: { label: 'Сертификаттарды орнату', path: `/install/${d.number}` },
  }),
  rejected: (d) => ({
    subject: `№ ${d.number} өтініш қабылданбады`,
    paragraphs: [`№ ${d.number} өтінішіңіз қабылданбады.`, `Себебі: ${d.reason ?? ''}`, 'Деректерді түзетіп, өтінішті қайта бере аласыз.'],
    link: { label: 'Өтініш мәртебесі', path: `/status/${d.number}` },
  }),
  revoked: (d) => ({
    subject: `Сертификат кері қайтарылды — № ${d.number} өтініш`,
    paragraphs: [`${purpose(d.purpose)} сертификатыңыз ${d.serial} (№ ${d.number} өтініш) кері қайтарылды, оны енді пайдалануға болмайды.`],
    link: { label: 'Менің сертификаттарым', path: '/certificates' },
  }),
  held: (d) => ({
    subject: `Сертификаттың әрекеті тоқтатылды — № ${d.number} өтініш`,
    paragraphs: [`${purpose(d.purpose)} сертификатыңыздың ${d.serial} (№ ${d.number} өтініш) әрекеті уақытша тоқтатылды. Қайта қосылғанға дейін ол жарамсыз.`],
    link: { label: 'Менің сертификаттарым', path: '/certificates' },
  }),
  released: (d) => ({
    subject: `Сертификат қайта жарамды — № ${d.number} өтініш`,
    paragraphs: [`${purpose(d.purpose)} сертификатыңыздың ${d.serial} (№ ${d.number} өтініш) әрекеті қайта қалпына келтірілді.`],
    link: { label: 'Менің сертификаттарым', path: '/certificates' },
  }),
  expiring: (d) => ({
    subject: `Сертификаттарыңыздың мерзімі ${d.days} күннен кейін бітеді — № ${d.number} өтініш`,
    paragraphs: [`№ ${d.number} өтініш бойынша сертификаттардың мерзімі ${d.days} күннен кейін бітеді.`, 'Оларды тіркеу орталығына бармай-ақ, қазіргі кілтіңізбен онлайн жаңартыңыз.'],
    link: { label: 'Жаңарту', path: `/certificates?renew=${d.serial}` },
  }),
}
