//go:build race

package validate

// raceEnabled reports a -race build, where hostile-body tests run far slower.
const raceEnabled = true
