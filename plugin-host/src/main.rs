fn main() {
    println!("shipmux: being built");
}
