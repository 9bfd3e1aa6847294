// Reading what a child process writes to a pipe, with a deadline and a size cap, and reaping it:
// used by the plugin probe (a confined child loading a plugin) and by hearthd --check-config
// (hearth-driver-host --describe). The caller owns the pipe's read end and the child's PID.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string>

namespace hearth {

/// What the child wrote and how it ended.
struct child_output {
    std::string text;        ///< everything read, at most the cap
    bool timed_out = false;  ///< the deadline passed first: the child was killed (SIGKILL)
    int exit_code = -1;      ///< its exit status when it exited normally, else -1
    int signal = 0;          ///< the signal that ended it, 0 if none
};

/// Reads `fd` until EOF, `cap` bytes or `deadline`; closes `fd`; kills `pid` (SIGKILL, by PID) if
/// the deadline passed; reaps it. Blocking; any thread.
child_output collect_child_output(int fd, pid_t pid, std::chrono::milliseconds deadline, std::size_t cap);

}  // namespace hearth
