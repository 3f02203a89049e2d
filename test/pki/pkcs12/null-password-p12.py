"""
Writes a PKCS#12 file with *no* password: OpenSSL's own PKCS12_create(NULL, ...) through libcrypto,
the call pyOpenSSL, Ruby and C programs make for "no password". Its MAC and PBE keys are derived
from zero password bytes, not from the two-zero-byte BMPString of "" that `openssl pkcs12 -export
-passout pass:` uses, so the `openssl` command cannot write such a file itself.

Usage: python3 null-password-p12.py KEY.pem CERT.pem OUT.p12 [legacy]
  legacy: pbeWithSHAAnd3-KeyTripleDES-CBC for key and certificates (RFC 7292 PBE, whose key comes
          from the same KDF as the MAC; RC2 would need OpenSSL's legacy provider); otherwise
          OpenSSL 3's defaults (PBES2/AES-256, HMAC-SHA256).
"""
import ctypes
import ctypes.util
import sys

crypto = ctypes.CDLL(ctypes.util.find_library('crypto') or 'libcrypto.so.3')
for name, restype in [('BIO_new_file', ctypes.c_void_p), ('PEM_read_bio_PrivateKey', ctypes.c_void_p),
                      ('PEM_read_bio_X509', ctypes.c_void_p), ('PKCS12_create', ctypes.c_void_p),
                      ('i2d_PKCS12_bio', ctypes.c_int), ('BIO_free', ctypes.c_int), ('ERR_get_error', ctypes.c_ulong)]:
    getattr(crypto, name).restype = restype
crypto.BIO_new_file.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
crypto.PEM_read_bio_PrivateKey.argtypes = [ctypes.c_void_p] * 4
crypto.PEM_read_bio_X509.argtypes = [ctypes.c_void_p] * 4
crypto.PKCS12_create.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                 ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int]
crypto.i2d_PKCS12_bio.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
crypto.BIO_free.argtypes = [ctypes.c_void_p]

NID_PBE_SHA1_3DES = 146


def read_pem(path, reader):
    bio = crypto.BIO_new_file(path.encode(), b'r')
    if not bio:
        sys.exit(f'cannot open {path}')
    obj = reader(bio, None, None, None)
    crypto.BIO_free(bio)
    if not obj:
        sys.exit(f'cannot read {path}: error {crypto.ERR_get_error():x}')
    return obj


key_path, cert_path, out_path = sys.argv[1:4]
legacy = len(sys.argv) > 4 and sys.argv[4] == 'legacy'
key = read_pem(key_path, crypto.PEM_read_bio_PrivateKey)
cert = read_pem(cert_path, crypto.PEM_read_bio_X509)
key_nid, cert_nid = (NID_PBE_SHA1_3DES, NID_PBE_SHA1_3DES) if legacy else (0, 0)
p12 = crypto.PKCS12_create(None, b'alice', key, cert, None, key_nid, cert_nid, 0, 0, 0)
if not p12:
    sys.exit(f'PKCS12_create failed: error {crypto.ERR_get_error():x}')
out = crypto.BIO_new_file(out_path.encode(), b'wb')
if not out or crypto.i2d_PKCS12_bio(out, p12) != 1:
    sys.exit('cannot write the PKCS#12 file')
crypto.BIO_free(out)
