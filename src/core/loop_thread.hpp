// Debug check for "loop thread only" classes (gateway, registry, bridge, rules engine, lock
// supervisor): each owns a loop_thread_check; its documented loop-thread-only methods start with
// assert_on_loop_thread(). The first checked call records the calling thread as the loop thread;
// a later call from any other thread prints where and aborts. Active in debug and asan builds;
// compiled out under NDEBUG (release), where it costs nothing.
#pragma once

#ifndef NDEBUG
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>
#endif

namespace hearth {

class loop_thread_check {
public:
    loop_thread_check() = default;
    /// A copy belongs to no thread yet (it binds on its own first use).
    loop_thread_check(const loop_thread_check& /*other*/) noexcept {}
    loop_thread_check& operator=(const loop_thread_check& /*other*/) noexcept { return *this; }
    ~loop_thread_check() = default;

#ifndef NDEBUG
    /// Records the caller as the loop thread on first use; aborts if a later caller is another
    /// thread. `where` names the method (for the message).
    void assert_on_loop_thread(const char* where) const noexcept {
        const std::thread::id me = std::this_thread::get_id();
        std::thread::id expected{};
        if (owner_.compare_exchange_strong(expected, me) || expected == me) return;
        std::fprintf(stderr, "hearth: %s called off its loop thread (loop-thread-only invariant broken)\n", where);
        std::abort();
    }

private:
    mutable std::atomic<std::thread::id> owner_{};
#else
    void assert_on_loop_thread(const char* /*where*/) const noexcept {}
#endif
};

}  // namespace hearth
