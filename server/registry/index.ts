/** Person registry: the interface, the JSON-file implementation and its route. */
export { JsonFileRegistry, type PersonRegistry, type PersonName } from './registry.ts'
export { personRoutes } from './routes.ts'
