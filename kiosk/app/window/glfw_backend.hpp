#pragma once
// The kiosk's window: GLFW + OpenGL 3 behind kiosk::ui::Backend. Only this folder knows GLFW.
//
// Lockdown (attendee kiosks): a fullscreen window on the primary monitor that does not iconify
// when it loses focus, ignores close requests (window manager close, Alt+F4) and lets no key
// through to the window system; `windowed` is for development only.
#include <kiosk/core/result.hpp>
#include <kiosk/ui.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

struct GLFWwindow;

namespace kiosk::app {

struct WindowOptions {
    bool windowed = false;
    int width = 1280;  ///< windowed size
    int height = 720;
    std::string title = "kiosk";
    double maxFps = 60;  ///< frame cap when the driver does not wait for vsync (Xvfb, llvmpipe)
    const std::atomic<bool>* quitFlag = nullptr;  ///< set by SIGTERM / SIGINT
};

class GlfwBackend final : public ui::Backend {
public:
    /// glfwInit, window, GL context. Errors: "window.init" (no display: is DISPLAY/WAYLAND_DISPLAY
    /// set?), "window.create" (no OpenGL 3 context).
    static core::Result<std::unique_ptr<GlfwBackend>> create(const WindowOptions& options);
    ~GlfwBackend() override;

    /// Install the input callbacks (→ ImGui and → the app) and the ImGui GLFW/OpenGL3 backends.
    /// Call once, after KioskApp::create (which creates the ImGui context).
    void attach(ui::KioskApp& app);

    void pollEvents() override;
    void newFrame() override;
    void renderAndSwap() override;
    void* updateTexture(void* texture, const uint8_t* rgba, int width, int height) override;
    void fontsChanged() override;
    int framebufferHeight() const override;
    float pixelsPerMm() const override;
    bool quitRequested() const override;

private:
    GlfwBackend() = default;
    static void onKey(GLFWwindow* w, int key, int scancode, int action, int mods);
    static void onChar(GLFWwindow* w, unsigned int codepoint);
    static void onClose(GLFWwindow* w);

    GLFWwindow* m_window = nullptr;
    ui::KioskApp* m_app = nullptr;
    WindowOptions m_options;
    bool m_imguiReady = false;
    bool m_deviceObjects = false;
    float m_pixelsPerMm = 96.f / 25.4f;
    std::chrono::steady_clock::time_point m_lastPoll{};
    /// Arrival estimate for the keys of this poll (see pollEvents).
    std::chrono::steady_clock::time_point m_batchStamp{};
    bool m_batchWasPending = false;
    int m_keyEvents = 0;
    uint64_t m_pollIndex = 0;
    uint64_t m_lastKeyPoll = 0;
    std::chrono::steady_clock::time_point m_lastKeyStamp{};
    std::chrono::steady_clock::time_point keyTime();
};

}  // namespace kiosk::app
