package loggen

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

var (
	givenNames = []string{"anna", "ben", "carla", "david", "emma", "felix", "grace", "henry",
		"isla", "jack", "kate", "liam", "mia", "noah", "olga", "paul", "quinn", "rosa", "sam",
		"tara", "uma", "victor", "wendy", "xavier", "yusuf", "zoe"}
	familyNames = []string{"smith", "jones", "miller", "garcia", "nguyen", "kowalski", "schmidt",
		"rossi", "dubois", "tanaka", "okafor", "larsen", "silva", "novak", "murphy", "cohen",
		"ivanova", "haddad", "brown", "wilson", "moore", "taylor", "clark", "lewis", "walker",
		"young", "king", "wright", "scott", "green", "baker", "adams", "nelson", "hill", "campbell"}
)

// user is one person in the pool, with the spellings the logs use for them.
type user struct {
	sam string // DOMAIN\name, as RADIUS and IIS pass it
	upn string // name@domain
	dn  string // LDAP distinguished name
}

// newUsers builds a pool of n distinct users. A few have the odd names real directories
// hold: an apostrophe (written doubled, as the service quotes it), a space, a '|'.
func newUsers(rng *rand.Rand, n int) []user {
	users := make([]user, 0, n)
	seen := make(map[string]bool, n)
	for len(users) < n {
		g := givenNames[rng.IntN(len(givenNames))]
		f := familyNames[rng.IntN(len(familyNames))]
		name := g[:1] + f
		switch r := rng.IntN(1000); {
		case r < 4:
			name = g[:1] + "o''" + f
		case r < 7:
			name = g + " " + f
		case r < 8:
			name = g + "|" + f
		}
		base := name
		for i := 2; seen[name]; i++ {
			name = base + strconv.Itoa(i)
		}
		seen[name] = true
		display := strings.ToUpper(g[:1]) + g[1:] + " " + strings.ToUpper(f[:1]) + f[1:]
		users = append(users, user{
			sam: `CONTOSO\` + name,
			upn: strings.ReplaceAll(name, " ", ".") + "@contoso.com",
			dn:  "CN=" + display + " " + strconv.Itoa(len(users)) + ",OU=Staff,DC=contoso,DC=com",
		})
	}
	return users
}

// pick draws a user: most uniformly from the pool, one request in twenty from the 2% who
// sign in all day (administrators, help desk).
func pick(rng *rand.Rand, users []user) *user {
	if busy := len(users) / 50; busy > 0 && rng.IntN(20) == 0 {
		return &users[rng.IntN(busy)]
	}
	return &users[rng.IntN(len(users))]
}

// caseVariant returns s as a client might retype it: in lower or upper case.
func caseVariant(rng *rand.Rand, s string) string {
	if rng.IntN(2) == 0 {
		return strings.ToLower(s)
	}
	return strings.ToUpper(s)
}
