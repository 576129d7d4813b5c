/** AES-256-GCM through WebCrypto, 12-byte nonce, 16-byte tag appended to the ciphertext. */

type Buffer = Uint8Array<ArrayBuffer>

async function importKey (key: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  return await globalThis.crypto.subtle.importKey('raw', key as Buffer, 'AES-GCM', false, [usage])
}

/** Encrypts `plaintext` under `key` and `nonce` with `aad`; returns ciphertext || tag. */
export async function aesGcmSeal (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonce as Buffer, additionalData: aad as Buffer, tagLength: 128 },
    await importKey(key, 'encrypt'), plaintext as Buffer))
}

/** Decrypts and authenticates; `undefined` when the tag does not verify. */
export async function aesGcmOpen (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: nonce as Buffer, additionalData: aad as Buffer, tagLength: 128 },
      await importKey(key, 'decrypt'), ciphertext as Buffer))
  } catch {
    return undefined
  }
}
