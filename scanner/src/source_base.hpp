#pragma once
// Shared plumbing of the frame sources: the thread, stop flag, health and fps bookkeeping.
// Internal.
#include <kiosk/scanner.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace kiosk::scanner {

class SourceBase : public FrameSource {
public:
    ~SourceBase() override;
    core::Status start(FrameSink sink) override;
    void stop() override;
    SourceHealth health() const override;

protected:
    /// The capture loop, on its own thread; returns when stopping() or when done.
    virtual void run() = 0;
    void setHealth(SourceState state, std::string message);
    void deliver(const FrameView& frame, SteadyTime captured);
    bool stopping() const { return m_stop.load(); }
    /// Interruptible sleeps: false when stop() was called meanwhile.
    bool sleepFor(std::chrono::nanoseconds d);
    bool sleepUntil(SteadyTime t);

    std::string m_device;  // set by the subclass before start()

private:
    FrameSink m_sink;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::mutex m_wakeMutex;
    std::condition_variable m_wake;
    mutable std::mutex m_mutex;
    SourceHealth m_health;
    std::deque<SteadyTime> m_fpsTimes;
};

}  // namespace kiosk::scanner
