#include "aws/subprocess.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

extern char** environ; // NOLINT: POSIX

namespace logship::aws {

namespace {

class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    reset(std::exchange(other.m_fd, -1));
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return m_fd; }
  void reset(int fd = -1) {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = fd;
  }

private:
  int m_fd = -1;
};

Result<std::array<Fd, 2>> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return make_error(std::string("pipe: ") + std::strerror(errno));
  }
  std::array<Fd, 2> out;
  out[0].reset(fds[0]);
  out[1].reset(fds[1]);
  return out;
}

std::string errno_text(const char* what, int err) {
  return std::string(what) + ": " + std::strerror(err);
}

class SpawnSetup {
public:
  SpawnSetup() {
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawnattr_init(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  ~SpawnSetup() {
    ::posix_spawn_file_actions_destroy(&actions);
    ::posix_spawnattr_destroy(&attr);
  }
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
};

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// Whether the child has exited (reaping it into `status`).
bool try_reap(pid_t pid, int& status) {
  pid_t r;
  while ((r = ::waitpid(pid, &status, WNOHANG)) < 0 && errno == EINTR) {
  }
  return r == pid;
}

} // namespace

Result<CommandOutput> run_shell_command(const std::string& command, const CommandLimits& limits) {
  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  auto out_pipe = make_pipe();
  if (!out_pipe) {
    return tl::unexpected(out_pipe.error());
  }
  auto err_pipe = make_pipe();
  if (!err_pipe) {
    return tl::unexpected(err_pipe.error());
  }

  SpawnSetup setup;
  ::posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_adddup2(&setup.actions, (*out_pipe)[1].get(), 1);
  ::posix_spawn_file_actions_adddup2(&setup.actions, (*err_pipe)[1].get(), 2);
  sigset_t empty;
  sigset_t defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2}) {
    sigaddset(&defaults, sig);
  }
  ::posix_spawnattr_setsigmask(&setup.attr, &empty);
  ::posix_spawnattr_setsigdefault(&setup.attr, &defaults);
  ::posix_spawnattr_setpgroup(&setup.attr, 0);
  ::posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                              POSIX_SPAWN_SETSIGDEF);
  std::string shell = "/bin/sh";
  std::string dash_c = "-c";
  std::string command_copy = command;
  char* argv[] = {shell.data(), dash_c.data(), command_copy.data(), nullptr};
  pid_t pid = 0;
  if (const int rc = ::posix_spawn(&pid, "/bin/sh", &setup.actions, &setup.attr, argv, environ);
      rc != 0) {
    return make_error(errno_text("cannot start /bin/sh", rc));
  }
  (*out_pipe)[1].reset();
  (*err_pipe)[1].reset();
  // Readable when the child exits (Linux 5.3+); without it, the wait after both pipes close is
  // not bounded by the timeout.
#ifdef SYS_pidfd_open
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#else
  Fd pidfd;
#endif

  CommandOutput result;
  std::array<std::string*, 2> sinks = {&result.out, &result.err};
  std::array<bool, 2> open = {true, true};
  bool exited = false;
  int status = 0;
  std::string failure;
  while (open[0] || open[1] || (!exited && pidfd.get() >= 0)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failure = "timed out after " + std::to_string(limits.timeout.count()) + " ms";
      break;
    }
    std::array<pollfd, 3> fds{};
    fds[0] = {open[0] ? (*out_pipe)[0].get() : -1, POLLIN, 0};
    fds[1] = {open[1] ? (*err_pipe)[0].get() : -1, POLLIN, 0};
    fds[2] = {exited ? -1 : pidfd.get(), POLLIN, 0};
    const int n = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      failure = errno_text("poll", errno);
      break;
    }
    for (std::size_t i = 0; i < 2; ++i) {
      if (!open[i] || fds[i].revents == 0) {
        continue;
      }
      char buf[4096];
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
        continue;
      }
      if (got <= 0) {
        open[i] = false;
        continue;
      }
      sinks[i]->append(buf, static_cast<std::size_t>(got));
      if (sinks[i]->size() > limits.max_output) {
        failure = "wrote more than " + std::to_string(limits.max_output) + " bytes";
      }
    }
    if (!failure.empty()) {
      break;
    }
    if (!exited && fds[2].revents != 0) {
      exited = try_reap(pid, status);
    }
  }
  if (!failure.empty()) {
    ::kill(-pid, SIGKILL); // the process group the child leads: the shell and what it started
    if (!exited) {
      wait_for(pid);
    }
    return make_error(failure);
  }
  if (!exited) {
    status = wait_for(pid);
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

} // namespace logship::aws
