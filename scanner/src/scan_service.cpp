// ScanService: source thread → latest-frame slot → decoder thread → debouncer → event queue.
// The source thread only copies the frame and makes the preview, so capture never waits on the
// decoder; when decoding is slower than the camera, the decoder takes the newest frame and the
// others are dropped (latency matters more than throughput for a person waiting).
#include "pixels.hpp"

#include <kiosk/scanner.hpp>

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

namespace kiosk::scanner {

struct ScanService::Impl {
    ScanServiceOptions options;
    std::unique_ptr<FrameSource> source;
    Origin origin = Origin::Camera;

    // Latest frame slot (source thread → decoder thread).
    std::mutex frameMutex;
    std::condition_variable frameReady;
    std::vector<uint8_t> frameBytes;
    FrameView frameView{};
    SteadyTime frameCaptured{};
    uint64_t frameSeq = 0;
    bool stopping = false;

    // Preview (source thread → UI thread).
    std::mutex previewMutex;
    PreviewFrame preview;
    double previewScale = 1.0;

    // Events (decoder thread and UI thread → UI thread).
    std::mutex eventMutex;
    std::vector<ScanEvent> events;

    std::thread decodeThread;
    bool running = false;

    // Decoder-thread state.
    Debouncer debouncer{std::chrono::milliseconds(1500)};
    std::string pendingText;  // a fallback-pass read waiting for confirmation by the next frames
    SteadyTime pendingAt{};

    // UI-thread state.
    WedgeDecoder wedge;

    void onFrame(const FrameView& v, SteadyTime captured) {
        {
            std::lock_guard lock(frameMutex);
            const std::size_t rowBytes = static_cast<std::size_t>(v.width) * bytesPerPixel(v.format);
            frameBytes.resize(rowBytes * v.height);
            for (int y = 0; y < v.height; ++y)
                std::memcpy(frameBytes.data() + y * rowBytes, v.data + static_cast<std::size_t>(y) * v.stride,
                            rowBytes);
            frameView = FrameView{frameBytes.data(), v.width, v.height, static_cast<int>(rowBytes), v.format};
            frameCaptured = captured;
            ++frameSeq;
        }
        frameReady.notify_one();
        std::vector<uint8_t> rgba;
        int w = 0, h = 0;
        previewRgba(v, options.previewMaxWidth, options.mirrorPreview, rgba, w, h);
        std::lock_guard lock(previewMutex);
        preview.rgba.swap(rgba);
        preview.width = w;
        preview.height = h;
        ++preview.sequence;
        previewScale = v.width > 0 ? static_cast<double>(w) / v.width : 1.0;
    }

    void push(ScanEvent e) {
        std::lock_guard lock(eventMutex);
        if (events.size() >= options.maxQueuedEvents)
            events.erase(events.begin());  // UI stalled: keep newest
        events.push_back(std::move(e));
    }

    void decodeLoop() {
        Decoder decoder(options.decoder);
        uint64_t seen = 0;
        std::vector<uint8_t> local;
        for (;;) {
            FrameView view;
            SteadyTime captured;
            {
                std::unique_lock lock(frameMutex);
                frameReady.wait(lock, [&] { return stopping || frameSeq != seen; });
                if (stopping) return;
                seen = frameSeq;
                local = frameBytes;  // copy out so the source can overwrite while we decode
                view = frameView;
                view.data = local.data();
                captured = frameCaptured;
            }
            DecodeBudget budget = options.budget;
            if (origin == Origin::File) budget.thorough = true;
            auto d = decoder.decode(view, budget);
            const auto now = std::chrono::steady_clock::now();
            updateCorners(d ? &*d : nullptr);
            if (!d) continue;
            // Fallback passes are confirmed by a second frame within a second; the first, plain
            // pass and still images are trusted (0 misreads on the corpus either way; this only
            // guards live video against a one-frame fluke of the riskier passes).
            const bool confirmed = d->primary || origin == Origin::File ||
                                   (d->text == pendingText && now - pendingAt < std::chrono::seconds(1));
            if (!confirmed) {
                pendingText = d->text;
                pendingAt = now;
                continue;
            }
            pendingText.clear();
            if (!debouncer.accept(d->text, now)) continue;
            ScanEvent e;
            e.text = d->text;
            e.origin = origin;
            e.format = d->format;
            e.time = now;
            e.utc = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
            e.latencyMs = std::chrono::duration<double, std::milli>(now - captured).count();
            push(std::move(e));
        }
    }

    void updateCorners(const Decoded* d) {
        std::lock_guard lock(previewMutex);
        preview.hasCode = d != nullptr;
        for (int k = 0; k < 4; ++k) {
            if (!d) {
                preview.corners[k] = {};
                continue;
            }
            int x = static_cast<int>(d->corners[k].x * previewScale);
            const int y = static_cast<int>(d->corners[k].y * previewScale);
            if (options.mirrorPreview) x = preview.width - 1 - x;
            preview.corners[k] = {x, y};
        }
    }
};

ScanService::ScanService(std::unique_ptr<FrameSource> source, ScanServiceOptions options)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->options = options;
    m_impl->source = std::move(source);
    if (m_impl->source) m_impl->origin = m_impl->source->origin();
    m_impl->debouncer = Debouncer(options.debounceAbsence);
    m_impl->wedge = WedgeDecoder(options.wedge);
}

ScanService::~ScanService() {
    stop();
}

core::Status ScanService::start() {
    if (m_impl->running) return {};
    if (!m_impl->source) return {};  // wedge-only
    m_impl->stopping = false;
    try {
        m_impl->decodeThread = std::thread([impl = m_impl.get()] { impl->decodeLoop(); });
    } catch (const std::exception& e) {
        return core::Error{"scanner.thread", std::string("cannot start the decoder thread: ") + e.what()};
    }
    m_impl->running = true;
    auto st = m_impl->source->start(
        [impl = m_impl.get()](const FrameView& v, SteadyTime t) { impl->onFrame(v, t); });
    if (!st) {
        stop();
        return st;
    }
    return {};
}

void ScanService::stop() {
    if (!m_impl || !m_impl->running) return;
    if (m_impl->source) m_impl->source->stop();
    {
        std::lock_guard lock(m_impl->frameMutex);
        m_impl->stopping = true;
    }
    m_impl->frameReady.notify_all();
    if (m_impl->decodeThread.joinable()) m_impl->decodeThread.join();
    m_impl->running = false;
}

std::vector<ScanEvent> ScanService::poll() {
    std::vector<ScanEvent> out;
    std::lock_guard lock(m_impl->eventMutex);
    out.swap(m_impl->events);
    return out;
}

bool ScanService::latestPreview(PreviewFrame& out) {
    std::lock_guard lock(m_impl->previewMutex);
    if (m_impl->preview.sequence == 0 || m_impl->preview.sequence == out.sequence) {
        // Corners may change without a new frame (decode finished later); copy them cheaply.
        out.corners = m_impl->preview.corners;
        out.hasCode = m_impl->preview.hasCode;
        return false;
    }
    out.rgba.assign(m_impl->preview.rgba.begin(), m_impl->preview.rgba.end());
    out.width = m_impl->preview.width;
    out.height = m_impl->preview.height;
    out.sequence = m_impl->preview.sequence;
    out.corners = m_impl->preview.corners;
    out.hasCode = m_impl->preview.hasCode;
    return true;
}

SourceHealth ScanService::health() const {
    if (!m_impl->source)
        return SourceHealth{SourceState::Stopped, "no camera (keyboard-wedge scanner only)", "", 0, 0};
    return m_impl->source->health();
}

void ScanService::feedWedgeChar(char32_t codepoint, SteadyTime at) {
    (void)m_impl->wedge.onChar(codepoint, at);
}

void ScanService::feedWedgeKey(WedgeKey key, SteadyTime at) {
    auto text = m_impl->wedge.onKey(key, at);
    if (!text) return;
    ScanEvent e;
    e.text = std::move(*text);
    e.origin = Origin::Wedge;
    e.time = at;
    e.utc = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    e.latencyMs = 0;
    m_impl->push(std::move(e));
}

}  // namespace kiosk::scanner
