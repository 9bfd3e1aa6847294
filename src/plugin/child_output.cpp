// collect_child_output (see child_output.hpp).
#include "plugin/child_output.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace hearth {

child_output collect_child_output(int fd, pid_t pid, std::chrono::milliseconds deadline, std::size_t cap) {
    using steady = std::chrono::steady_clock;
    child_output out;
    const auto until = steady::now() + deadline;
    std::array<char, 4096> buf{};
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now()).count();
        if (left <= 0) {
            out.timed_out = true;
            break;
        }
        pollfd pfd{fd, POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(left)) < 0 && errno != EINTR) break;
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) break;
        out.text.append(buf.data(), static_cast<std::size_t>(n));
        if (out.text.size() > cap) {
            out.text.resize(cap);
            break;
        }
    }
    ::close(fd);
    if (out.timed_out) ::kill(pid, SIGKILL);
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(st)) out.exit_code = WEXITSTATUS(st);
    if (WIFSIGNALED(st)) out.signal = WTERMSIG(st);
    return out;
}

}  // namespace hearth
