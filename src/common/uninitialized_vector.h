#pragma once
// A std::vector whose resize() leaves new elements of trivial types uninitialised, for buffers
// that are written in full right after (row lists filled by a parallel pass): zeroing them
// first is a serial memory pass the other threads wait on.
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace fraudkit {

template <class T, class Base = std::allocator<T>>
class DefaultInitAllocator : public Base {
 public:
  using Base::Base;
  template <class U>
  struct rebind {
    using other = DefaultInitAllocator<U, typename std::allocator_traits<Base>::template rebind_alloc<U>>;
  };
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;  // default-initialisation: no zeroing for trivial types
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    std::allocator_traits<Base>::construct(static_cast<Base&>(*this), p, std::forward<Args>(args)...);
  }
};

template <class T>
using UninitializedVector = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace fraudkit
