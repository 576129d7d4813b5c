//! Recursion analysis: strongly connected components of the call graph.
//!
//! Nodes are the functions plus one *dispatch* node per signature. A direct
//! call is an edge to its callee. A `call_indirect` (or `call_ref`) of
//! signature `s` is an edge to dispatch node `s`, which has an edge to every
//! function of signature `s` that can reach a table: listed in an element
//! segment or referenced by `ref.func` anywhere. That is exactly the set a
//! signature-checked indirect call can land on, so the analysis is sound
//! without a node per call site. Imported functions are leaves: WASI preview 1
//! never calls back into the module.

use crate::{Detail, Finding, FindingCode, Location, Section, Severity};

/// Most cycle members a finding lists.
const MAX_LISTED: usize = 64;

/// Calls gathered during the main pass.
#[derive(Debug, Default)]
pub(crate) struct CallGraph {
    direct: Vec<(u32, u32)>,
    indirect: Vec<(u32, u32)>,
    in_table: Vec<u32>,
}

/// One set of functions that can call each other without bound.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Cycle {
    /// Member function indices, ascending.
    functions: Vec<u32>,
    /// Whether the cycle passes through an indirect call.
    indirect: bool,
}

/// Compressed adjacency lists: `targets[starts[n]..starts[n + 1]]`.
struct Adjacency {
    starts: Vec<usize>,
    targets: Vec<u32>,
}

impl CallGraph {
    pub(crate) fn call(&mut self, caller: u32, callee: u32) {
        self.direct.push((caller, callee));
    }

    pub(crate) fn call_indirect(&mut self, caller: u32, sig: u32) {
        self.indirect.push((caller, sig));
    }

    /// Notes that `func` can be stored in a table.
    pub(crate) fn in_table(&mut self, func: u32) {
        self.in_table.push(func);
    }

    /// The recursive components, ordered by their lowest function index.
    /// Out-of-range indices (only possible in invalid modules) are ignored.
    pub(crate) fn cycles(
        mut self,
        funcs: usize,
        imported: u32,
        sigs: usize,
        sig_of: impl Fn(u32) -> Option<u32>,
    ) -> Vec<Cycle> {
        let defined = |f: u32| (f as usize) < funcs && f >= imported;
        self.in_table.sort_unstable();
        self.in_table.dedup();
        let dispatch = |sig: u32| (funcs + sig as usize) as u32;
        let mut edges: Vec<(u32, u32)> = Vec::with_capacity(self.direct.len());
        edges.extend(
            self.direct
                .iter()
                .filter(|(a, b)| defined(*a) && defined(*b)),
        );
        edges.extend(
            self.indirect
                .iter()
                .filter(|(a, s)| defined(*a) && (*s as usize) < sigs)
                .map(|(a, s)| (*a, dispatch(*s))),
        );
        for &f in self.in_table.iter().filter(|f| defined(**f)) {
            if let Some(sig) = sig_of(f).filter(|s| (*s as usize) < sigs) {
                edges.push((dispatch(sig), f));
            }
        }
        let graph = Adjacency::new(funcs + sigs, &edges);
        let mut cycles: Vec<Cycle> = graph
            .components()
            .into_iter()
            .filter(|c| c.len() > 1 || graph.has_edge(c[0], c[0]))
            .map(|members| {
                let indirect = members.iter().any(|m| *m as usize >= funcs);
                let mut functions: Vec<u32> = members
                    .into_iter()
                    .filter(|m| (*m as usize) < funcs)
                    .collect();
                functions.sort_unstable();
                Cycle {
                    functions,
                    indirect,
                }
            })
            .collect();
        cycles.sort_unstable_by_key(|c| c.functions.first().copied());
        cycles
    }
}

impl Cycle {
    pub(crate) fn into_finding(self, severity: Severity) -> Finding {
        let total = u32::try_from(self.functions.len()).unwrap_or(u32::MAX);
        let lowest = self.functions.first().copied();
        let listed = |n: usize| {
            let shown: Vec<String> = self.functions.iter().take(n).map(u32::to_string).collect();
            let more = if self.functions.len() > n {
                ", …"
            } else {
                ""
            };
            format!("{}{more}", shown.join(", "))
        };
        let how = if self.indirect {
            " (through call_indirect)"
        } else {
            ""
        };
        let message = match total {
            1 => format!("function {} calls itself{how}", listed(1)),
            _ => format!("functions {} call each other{how}", listed(8)),
        };
        let location = Location {
            section: Some(Section::Code),
            function: lowest,
            offset: None,
        };
        let mut functions = self.functions;
        functions.truncate(MAX_LISTED);
        Finding::new(FindingCode::Recursion, severity, message, location).with(Detail::Cycle {
            functions,
            total,
            indirect: self.indirect,
        })
    }
}

impl Adjacency {
    fn new(nodes: usize, edges: &[(u32, u32)]) -> Self {
        let mut starts = vec![0usize; nodes + 1];
        for (from, _) in edges {
            starts[*from as usize + 1] += 1;
        }
        for n in 0..nodes {
            starts[n + 1] += starts[n];
        }
        let mut fill = starts.clone();
        let mut targets = vec![0u32; edges.len()];
        for (from, to) in edges {
            targets[fill[*from as usize]] = *to;
            fill[*from as usize] += 1;
        }
        Self { starts, targets }
    }

    fn successors(&self, node: u32) -> &[u32] {
        let n = node as usize;
        &self.targets[self.starts[n]..self.starts[n + 1]]
    }

    fn has_edge(&self, from: u32, to: u32) -> bool {
        self.successors(from).contains(&to)
    }

    /// Tarjan's strongly connected components, iteratively (a hostile call
    /// chain of 100,000 functions must not overflow the host's stack).
    fn components(&self) -> Vec<Vec<u32>> {
        let nodes = self.starts.len() - 1;
        let mut tarjan = Tarjan {
            index: vec![Tarjan::UNSEEN; nodes],
            low: vec![0; nodes],
            on_stack: vec![false; nodes],
            stack: Vec::new(),
            calls: Vec::new(),
            next: 0,
        };
        let mut out = Vec::new();
        for root in 0..nodes as u32 {
            if tarjan.index[root as usize] == Tarjan::UNSEEN {
                tarjan.visit(root);
                tarjan.run(self, &mut out);
            }
        }
        out
    }
}

/// The state of Tarjan's algorithm, with an explicit call stack of
/// (node, next successor position).
struct Tarjan {
    index: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    stack: Vec<u32>,
    calls: Vec<(u32, usize)>,
    next: u32,
}

impl Tarjan {
    const UNSEEN: u32 = u32::MAX;

    fn visit(&mut self, v: u32) {
        self.index[v as usize] = self.next;
        self.low[v as usize] = self.next;
        self.next += 1;
        self.stack.push(v);
        self.on_stack[v as usize] = true;
        self.calls.push((v, 0));
    }

    fn run(&mut self, graph: &Adjacency, out: &mut Vec<Vec<u32>>) {
        while let Some((v, edge)) = self.calls.last_mut() {
            let v = *v;
            if let Some(&w) = graph.successors(v).get(*edge) {
                *edge += 1;
                if self.index[w as usize] == Self::UNSEEN {
                    self.visit(w);
                } else if self.on_stack[w as usize] {
                    self.low[v as usize] = self.low[v as usize].min(self.index[w as usize]);
                }
                continue;
            }
            self.calls.pop();
            if let Some(&(parent, _)) = self.calls.last() {
                self.low[parent as usize] = self.low[parent as usize].min(self.low[v as usize]);
            }
            if self.low[v as usize] == self.index[v as usize] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack[w as usize] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(component);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycles(graph: CallGraph, funcs: usize, sigs: &[u32]) -> Vec<Cycle> {
        let sig_count = sigs.iter().max().map_or(0, |m| *m as usize + 1);
        graph.cycles(funcs, 0, sig_count, |f| sigs.get(f as usize).copied())
    }

    #[test]
    fn acyclic_graphs_have_no_cycles() {
        let mut graph = CallGraph::default();
        graph.call(0, 1);
        graph.call(1, 2);
        graph.call(0, 2);
        assert!(cycles(graph, 3, &[]).is_empty());
    }

    #[test]
    fn self_and_mutual_recursion_are_found() {
        let mut graph = CallGraph::default();
        graph.call(0, 0);
        graph.call(1, 2);
        graph.call(2, 3);
        graph.call(3, 1);
        let found = cycles(graph, 4, &[]);
        let sets: Vec<_> = found.iter().map(|c| c.functions.clone()).collect();
        assert_eq!(sets, vec![vec![0], vec![1, 2, 3]]);
        assert!(found.iter().all(|c| !c.indirect));
    }

    #[test]
    fn indirect_calls_reach_table_functions_of_the_same_signature() {
        let mut graph = CallGraph::default();
        graph.call_indirect(0, 7);
        graph.in_table(0);
        let found = cycles(graph, 1, &[7]);
        assert_eq!(
            found,
            vec![Cycle {
                functions: vec![0],
                indirect: true
            }]
        );
    }

    #[test]
    fn indirect_calls_of_another_signature_do_not_recurse() {
        let mut graph = CallGraph::default();
        graph.call_indirect(0, 1);
        graph.in_table(0);
        assert!(cycles(graph, 1, &[0, 1]).is_empty());
    }

    #[test]
    fn imports_are_leaves_and_bad_indices_are_ignored() {
        let mut graph = CallGraph::default();
        graph.call(1, 0);
        graph.call(0, 1);
        graph.call(1, 99);
        assert!(graph.cycles(2, 1, 0, |_| None).is_empty());
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let mut graph = CallGraph::default();
        for f in 0..200_000 {
            graph.call(f, f + 1);
        }
        graph.call(200_000, 0);
        let found = cycles(graph, 200_001, &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].functions.len(), 200_001);
    }
}
