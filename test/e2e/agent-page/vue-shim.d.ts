// Lets the harness entry (type-checked with tsconfig.node.json) import single-file components.
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent
  export default component
}
