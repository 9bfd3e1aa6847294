// Isolation suite: misbehaving drivers that take their whole process down on the command
// turn_on (other commands behave like the zoo switch). One source, one plugin per ISO_KIND:
//   1 iso_segv   writes through a null pointer the optimiser cannot see (SIGSEGV in every preset)
//   2 iso_abort  calls std::abort() (SIGABRT)
//   3 iso_leak   allocates and touches 1 MiB blocks until the address-space limit (bounded: 4 GiB)
//   4 iso_freeze stops its own process with SIGSTOP (no heartbeat any more)
//   5 iso_spin   burns CPU in the call (bounded: 30 s) to hit the CPU-time limit
#include "zoo_cpp_switch.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

#if ISO_KIND == 1
/// A real store through `address`, kept out of UBSan's null check (it would exit(1) first).
__attribute__((no_sanitize("undefined"))) void store_through(std::uintptr_t address) {
    *reinterpret_cast<volatile int*>(address) = 42;
}
#endif

std::vector<char*> leaked;  // keeps the leak reachable so nothing frees it

[[noreturn]] void crash_now() {
#if ISO_KIND == 1
    // Sanitizers install a SIGSEGV handler that would turn the fault into exit(1): restore the
    // default so the worker dies by the signal, as a plain build's would. The address comes from a
    // volatile read, so the optimiser cannot prove it null and turn the store into a trap/abort.
    std::signal(SIGSEGV, SIG_DFL);
    static volatile std::uintptr_t null_address = 0;
    store_through(null_address);
    ::raise(SIGSEGV);  // not reached; keeps the promised signal even if the store did not fault
    std::abort();
#elif ISO_KIND == 2
    std::abort();
#elif ISO_KIND == 3
    for (int i = 0; i < 4096; ++i) {
        char* block = new char[1 << 20];
        std::memset(block, i & 0xff, 1 << 20);
        leaked.push_back(block);
    }
    std::abort();  // 4 GiB did not hit the limit: fail loudly
#elif ISO_KIND == 4
    ::kill(::getpid(), SIGSTOP);
    for (;;) ::pause();
#elif ISO_KIND == 5
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    volatile unsigned long spin = 0;
    while (std::chrono::steady_clock::now() < end) spin = spin + 1;
    std::abort();
#else
#error "ISO_KIND must be 1..5"
#endif
}

class crash_switch final : public zoo::cpp_switch {
public:
    using cpp_switch::cpp_switch;
    hearth::status handle_command(const hearth::command& cmd) override {
        if (cmd.name == "turn_on") crash_now();
        return cpp_switch::handle_command(cmd);
    }
};

}  // namespace

HEARTH_DRIVER(crash_switch, ISO_NAME, "1.0.0", "Isolation suite: takes its process down on turn_on")
