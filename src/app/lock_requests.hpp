// The lock bridge requests: "lock/status" (PIN mode, wrong codes, lockout, pending auto-relock and
// alarm of one lock — what `hearthctl lock status` shows) and "lock/challenge" (a one-time nonce
// for the challenge-response mode, bound to one lock and one operation; docs/security.md).
//
// Thread: loop thread.
#pragma once

#include "core/gateway.hpp"
#include "core/lock_supervisor.hpp"
#include "mqtt/bridge.hpp"

namespace hearth {

/// Registers both requests on `bridge`; `gw` and `supervisor` must outlive it.
void install_lock_requests(mqtt::bridge& bridge, gateway& gw, const lock_supervisor& supervisor);

}  // namespace hearth
