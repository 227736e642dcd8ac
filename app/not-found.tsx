import { StatusPage } from "@/components/status-pages";

export default function NotFound() {
  return <StatusPage code={404} title="Page not found">The page or workspace you asked for does not exist.</StatusPage>;
}
