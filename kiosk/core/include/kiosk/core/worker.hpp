#pragma once
/// The one background-work primitive: a thread that owns its work (`std::jthread`: stopped
/// and joined by its destructor), a queue the owner pushes to, and a mailbox the owner drains
/// once per frame. The check-in worker and the print service are built on it.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>
#include <utility>
#include <vector>

namespace kiosk::core {

/// Items pushed from any thread, taken by one worker that waits with its stop token. wake()
/// ends a wait without an item (a hint: "look again").
template <class T>
class WorkQueue {
public:
    void push(T item) {
        {
            std::lock_guard lk(m_mu);
            m_items.push_back(std::move(item));
        }
        m_cv.notify_all();
    }
    void wake() {
        {
            std::lock_guard lk(m_mu);
            m_woken = true;
        }
        m_cv.notify_all();
    }
    /// The next item; nullopt once stop is requested.
    std::optional<T> pop(std::stop_token stop) {
        std::unique_lock lk(m_mu);
        if (!m_cv.wait(lk, stop, [&] { return !m_items.empty(); })) return std::nullopt;
        T item = std::move(m_items.front());
        m_items.pop_front();
        return item;
    }
    /// Waits until an item or a wake() arrives, stop is requested or `timeout` passes; then
    /// returns every queued item (possibly none) and clears the wake flag.
    std::deque<T> waitAll(std::stop_token stop, std::chrono::milliseconds timeout) {
        std::unique_lock lk(m_mu);
        m_cv.wait_for(lk, stop, timeout, [&] { return m_woken || !m_items.empty(); });
        m_woken = false;
        return std::exchange(m_items, {});
    }
    std::size_t size() const {
        std::lock_guard lk(m_mu);
        return m_items.size();
    }

private:
    mutable std::mutex m_mu;
    std::condition_variable_any m_cv;
    std::deque<T> m_items;
    bool m_woken = false;
};

/// Results posted by a worker, taken all at once by the owner (once per frame).
template <class T>
class Mailbox {
public:
    void post(T item) {
        {
            std::lock_guard lk(m_mu);
            m_items.push_back(std::move(item));
            if (m_items.size() > m_cap)
                m_items.erase(m_items.begin(), m_items.begin() + static_cast<long>(m_cap / 2));
        }
        m_cv.notify_all();
    }
    std::vector<T> take() {
        std::lock_guard lk(m_mu);
        return std::exchange(m_items, {});
    }
    /// take(), after waiting up to `timeout` for at least one item.
    std::vector<T> waitTake(std::chrono::milliseconds timeout) {
        std::unique_lock lk(m_mu);
        m_cv.wait_for(lk, timeout, [&] { return !m_items.empty(); });
        return std::exchange(m_items, {});
    }
    /// Beyond this many untaken items the oldest half is dropped (nobody is polling).
    explicit Mailbox(std::size_t cap = 10000) : m_cap(cap) {}

private:
    std::mutex m_mu;
    std::condition_variable m_cv;
    std::vector<T> m_items;
    std::size_t m_cap;
};

}  // namespace kiosk::core
