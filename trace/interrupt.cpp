#include "trace/interrupt.hpp"

#include <csignal>

namespace pgfence::trace {
namespace {

const PgInstance* volatile g_instance = nullptr;

extern "C" void on_signal(int sig) {
    if (const PgInstance* instance = g_instance) instance->abandon();
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

}  // namespace

void stop_server_on_signals(const PgInstance* instance) {
    g_instance = instance;
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction action {};
        action.sa_handler = instance != nullptr ? on_signal : SIG_DFL;
        sigemptyset(&action.sa_mask);
        sigaction(sig, &action, nullptr);
    }
}

}  // namespace pgfence::trace
