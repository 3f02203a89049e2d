/**
 * The database schema as TypeScript types, shared by every server module. One interface per
 * table; it must match the migrations in ./migrations (001 platform, 002 CA, …).
 *
 * Conventions: timestamps are `timestamptz` read as Date; binary columns are `bytea` read as
 * Uint8Array (pg returns a Buffer, which is one); bigint identity columns are read as number
 * (both drivers are configured to parse int8 as a JS number).
 */
import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely'

/** A timestamp column that the database may fill by default. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type Timestamp = ColumnType<Date, Date | string, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
/** JSON stored as jsonb; write it with `json()` from ./json.ts. */
type Json = ColumnType<unknown, unknown, unknown>

export type ApplicationStatus = 'submitted' | 'issued' | 'installed' | 'rejected' | 'expired'
export type KeyStorage = 'browser' | 'file' | 'token'
export type CertificatePurpose = 'auth' | 'sign'
export type CertificateStatus = 'good' | 'revoked' | 'hold'
export type OperatorRole = 'operator' | 'admin'

export interface ApplicationsTable {
  /** Human-friendly number: 12 digits, YY + 9-digit sequence + Luhn check digit. */
  number: string
  /** Client-chosen Idempotency-Key (random, ≥ 16 chars): a retry returns this application. */
  idempotency_key: string
  /** SHA-256 (hex) of the canonical request, to tell a retry from a different request under the same key. */
  request_hash: string
  profile: string
  iin: string
  bin: string | null
  organization: string | null
  email: string | null
  region: string
  city: string | null
  storage: KeyStorage
  /** Name from the person registry at submission time. */
  surname: string
  name: string
  patronymic: string | null
  status: ApplicationStatus
  /** HMAC-SHA256(pepper, access code), hex. The code itself is never stored. */
  access_code_hash: string
  created_at: CreatedAt
  submitted_by: string
  expires_at: Timestamp
  status_changed_at: Timestamp
  status_changed_by: string
  issued_at: NullableTimestamp
  issued_by: string | null
  installed_at: NullableTimestamp
  installed_by: string | null
  rejected_at: NullableTimestamp
  rejected_by: string | null
  rejection_reason: string | null
  expired_at: NullableTimestamp
}

export interface ApplicationRequestsTable {
  id: Generated<number>
  application_number: string
  purpose: CertificatePurpose
  /** The PKCS#10 as submitted (DER). */
  csr: Uint8Array
  /** SubjectPublicKeyInfo (DER) from the CSR. */
  spki: Uint8Array
  /** SHA-256 of the SPKI DER, lowercase hex. */
  spki_sha256: string
  key_algorithm: 'RSA' | 'EC'
  key_bits: number | null
  key_curve: string | null
  /** True while the application is submitted: a unique partial index refuses the key elsewhere. */
  pending: ColumnType<boolean, boolean | undefined, boolean>
  certificate_serial: string | null
}

export interface CertificatesTable {
  /** Lowercase hex, no leading zeros stripped beyond DER's (as printed by `openssl x509 -serial`, lowercased). */
  serial: string
  /** Null for certificates issued outside an application (operators, services). */
  application_number: string | null
  purpose: CertificatePurpose
  profile: string
  /** Name of the issuing CA (as in /ca/<name>.crt and /crl/<name>.crl). */
  issuer: string
  subject_dn: string
  iin: string | null
  bin: string | null
  not_before: Timestamp
  not_after: Timestamp
  der: Uint8Array
  /** SHA-256 of the SPKI DER, lowercase hex; UNIQUE — a key is certified once. */
  spki_sha256: string
  status: ColumnType<CertificateStatus, CertificateStatus | undefined, CertificateStatus>
  revoked_at: NullableTimestamp
  /** RFC 5280 CRLReason code. */
  revocation_reason: number | null
  created_at: CreatedAt
  /** Who revoked/held/released it last (migration 002). */
  revoked_by: ColumnType<string | null, string | null | undefined, string | null>
  /** When `status` last changed (migration 002); null while never changed. */
  status_changed_at: NullableTimestamp
}

/** The CA hierarchy as recorded in the database (migration 002). */
export interface CaAuthoritiesTable {
  /** 'root', 'issuing', 'ocsp' (as in /ca/<name>.crt). */
  name: string
  role: 'root' | 'issuing' | 'ocsp'
  subject_dn: string
  certificate: Uint8Array
  key_store: 'file' | 'pkcs11'
  development: boolean
  created_at: CreatedAt
}

/** CRL state per issuing CA (migration 002): CRL numbers only ever grow. */
export interface CaCrlStateTable {
  issuer: string
  crl_number: number
  this_update: Timestamp
  next_update: Timestamp
  entries: number
}

export interface OperatorsTable {
  id: Generated<number>
  iin: string
  surname: string
  name: string
  patronymic: string | null
  role: OperatorRole
  active: ColumnType<boolean, boolean | undefined, boolean>
  created_at: CreatedAt
  created_by: string
}

export interface AuditLogTable {
  id: Generated<number>
  at: CreatedAt
  /** 'applicant', 'operator:<IIN>', 'system', 'cli', … */
  actor: string
  /** e.g. 'application.submit', 'application.approve', 'certificate.issue'. */
  action: string
  entity_type: string
  entity_id: string
  before: Json | null
  after: Json | null
}

/** All tables. The CA engineer's migration 002 adds its tables here too. */
export interface Database {
  applications: ApplicationsTable
  application_requests: ApplicationRequestsTable
  certificates: CertificatesTable
  operators: OperatorsTable
  audit_log: AuditLogTable
  ca_authorities: CaAuthoritiesTable
  ca_crl_state: CaCrlStateTable
}

/** The database handle used everywhere (a transaction is one too). */
export type Db = Kysely<Database>
/** A transaction, for functions that must run inside one. */
export type Tx = Transaction<Database>

export type Application = Selectable<ApplicationsTable>
export type NewApplication = Insertable<ApplicationsTable>
export type ApplicationUpdate = Updateable<ApplicationsTable>
export type ApplicationRequest = Selectable<ApplicationRequestsTable>
export type Certificate = Selectable<CertificatesTable>
export type NewCertificate = Insertable<CertificatesTable>
export type Operator = Selectable<OperatorsTable>
export type AuditEntry = Selectable<AuditLogTable>
