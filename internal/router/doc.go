// Package router compiles a stage's resource tree and matches (method, path)
// to a method with API Gateway's precedence: static segments before a
// {param} segment before a greedy {proxy+} tail, with backtracking; the exact
// method before ANY; a trailing slash ignored. A Tree is immutable after
// Build and safe for concurrent use. It imports no other internal package.
package router
