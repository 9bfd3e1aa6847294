// Zoo case 8: handle_command(turn_on) blocks until the test calls the exported
// zoo_hang_release(), or at most 10 s (a safety bound so a broken test never hangs forever).
// zoo_hang_reset() re-arms it; zoo_hang_entered()/zoo_hang_returned() let the test observe it.
#include "zoo_cpp_switch.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace {
std::mutex mutex;
std::condition_variable cv;
bool released = false;
std::atomic<int> entered{0};
std::atomic<int> returned{0};

class hang_command final : public zoo::cpp_switch {
public:
    using cpp_switch::cpp_switch;
    hearth::status handle_command(const hearth::command& cmd) override {
        if (cmd.name != "turn_on") return cpp_switch::handle_command(cmd);
        ++entered;
        {
            std::unique_lock lock(mutex);
            cv.wait_for(lock, std::chrono::seconds(10), [] { return released; });
        }
        ++returned;
        return hearth::status::ok;
    }
};
}  // namespace

extern "C" HEARTH_EXPORT void zoo_hang_reset() {
    std::lock_guard lock(mutex);
    released = false;
    entered = 0;
    returned = 0;
}
extern "C" HEARTH_EXPORT void zoo_hang_release() {
    {
        std::lock_guard lock(mutex);
        released = true;
    }
    cv.notify_all();
}
extern "C" HEARTH_EXPORT int zoo_hang_entered() { return entered.load(); }
extern "C" HEARTH_EXPORT int zoo_hang_returned() { return returned.load(); }

HEARTH_DRIVER(hang_command, "zoo_hang_command", "1.0.0", "Bad-plugin zoo: hangs in handle_command")
