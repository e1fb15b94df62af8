package report

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// Anonymizer replaces user names and client addresses by stable pseudonyms: the first eight
// bytes (64 bits) of HMAC-SHA256 under a key, in hexadecimal, so that two names of even a
// large directory practically never share one. The same name under the same key always
// gives the same pseudonym (names are folded as the duplicate detector folds them, so
// CONTOSO\Alice and CONTOSO\alice are one user), in every log and every report made with
// that key; without the key a pseudonym cannot be turned back into the name, short of trying
// candidate names with the key.
type Anonymizer struct {
	key []byte
}

// NewAnonymizer uses key, or a random key of 32 bytes when key is empty (pseudonyms then
// hold for one report only).
func NewAnonymizer(key []byte) (*Anonymizer, error) {
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
	}
	return &Anonymizer{key: append([]byte(nil), key...)}, nil
}

func (a *Anonymizer) pseudonym(prefix, kind, name string) string {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write(foldKey(nil, []byte(name)))
	sum := m.Sum(nil)
	return prefix + hex.EncodeToString(sum[:pseudonymBytes])
}

// pseudonymBytes is how much of the keyed hash a pseudonym shows.
const pseudonymBytes = 8

// User is the pseudonym of a user name: user-3f9a2c1b5e7d4a60. The empty name (results with no
// user) stays empty.
func (a *Anonymizer) User(name string) string {
	if name == "" {
		return ""
	}
	return a.pseudonym("user-", "user", name)
}

// Client is the pseudonym of a client address: client-3f9a2c1b5e7d4a60.
func (a *Anonymizer) Client(addr string) string {
	return a.pseudonym("client-", "client", addr)
}

// foldKey appends the key a name is counted under: ASCII letters folded to lower case and
// at most maxUserBytes bytes, as the duplicate detector folds names.
func foldKey(dst, name []byte) []byte {
	if len(name) > maxUserBytes {
		name = name[:maxUserBytes]
	}
	for _, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// maxUserBytes is how much of a name the correlator keeps (logparse folds and caps names so).
const maxUserBytes = 256
