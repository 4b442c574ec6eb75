package actor

import "context"

// actorCtx is the ctx passed to receive. It marks the actor handling the
// message (self) and, when the message is an ask from another actor, that
// actor's own receive ctx (waiting): the chain of actors that wait for this
// one to answer. An actor's plain ctx is made once; a chained one is made per
// ask that comes from inside another actor.
type actorCtx struct {
	context.Context
	self    any // the *Ref[M] of the actor
	waiting *actorCtx
}

type ctxKey struct{}

func (c *actorCtx) Value(key any) any {
	if key == (ctxKey{}) {
		return c
	}
	return c.Context.Value(key)
}

// fromContext returns the innermost actor mark of ctx, or nil.
func fromContext(ctx context.Context) *actorCtx {
	c, _ := ctx.Value(ctxKey{}).(*actorCtx)
	return c
}

// has reports whether ref is the marked actor or one of those waiting on it.
func (c *actorCtx) has(ref any) bool {
	for ; c != nil; c = c.waiting {
		if c.self == ref {
			return true
		}
	}
	return false
}
