package vtl

// Equality as Velocity 1.7's == and Java's equals().

// kind groups values by Java class for equality: values of one kind are
// compared with equals(), others by their toString.
func kind(v any) int {
	switch v.(type) {
	case string:
		return 1
	case bool:
		return 2
	case *List, []any, []string:
		return 3
	case *Map, map[string]any, map[string]string:
		return 4
	}
	if isNumber(v) {
		return 5
	}
	return 0
}

// equals implements Velocity 1.7's ==: null equals only null, numbers
// compare by value, values of one class by equals(), others by toString().
func equals(l, r any) bool {
	budget := maxCompare
	return equalsN(l, r, &budget)
}

// maxCompare bounds the elements one comparison visits; values built by a
// template can share structure exponentially or be cyclic. Past it, values
// compare unequal.
const maxCompare = 1_000_000

func equalsN(l, r any, budget *int) bool {
	if *budget--; *budget < 0 {
		return false
	}
	if _, ok := l.(absent); ok {
		return r == nil || r == "" || r == absent{}
	}
	if _, ok := r.(absent); ok {
		return l == nil || l == ""
	}
	if l == nil || r == nil {
		return l == nil && r == nil
	}
	if c, ok := compareNum(l, r); ok {
		return c == 0
	}
	kl, kr := kind(l), kind(r)
	if kl != kr || kl == 0 {
		return toStringEqual(l, r)
	}
	switch kl {
	case 3:
		a, _ := asList(l)
		b, _ := asList(r)
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if !javaEqualsN(a[i], b[i], budget) {
				return false
			}
		}
		return true
	case 4:
		return mapEqualsN(l, r, budget)
	}
	return l == r
}

// javaEquals is Java's Object.equals for elements of collections.
func javaEquals(a, b any) bool {
	budget := maxCompare
	return javaEqualsN(a, b, &budget)
}

func javaEqualsN(a, b any, budget *int) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	na, ok1 := toNumber(a)
	nb, ok2 := toNumber(b)
	if ok1 && ok2 {
		return na == nb
	}
	if kind(a) != kind(b) {
		return false
	}
	return equalsN(a, b, budget)
}

func mapEquals(l, r any) bool {
	budget := maxCompare
	return mapEqualsN(l, r, &budget)
}

func mapEqualsN(l, r any, budget *int) bool {
	a, b := mapView(l), mapView(r)
	if a.len() != b.len() {
		return false
	}
	for _, k := range a.keys() {
		va, _ := a.get(k)
		vb, ok := b.get(k)
		if !ok || !javaEqualsN(va, vb, budget) {
			return false
		}
	}
	return true
}

// toStringEqual compares the toString of two values without printing more
// of either than the other's length needs.
func toStringEqual(l, r any) bool {
	ls, lok := l.(string)
	rs, rok := r.(string)
	switch {
	case lok && rok:
		return ls == rs
	case lok:
		return displayLimit(r, len(ls)+1) == ls
	case rok:
		return displayLimit(l, len(rs)+1) == rs
	}
	return display(l) == display(r)
}
